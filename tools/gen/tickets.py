#!/usr/bin/python3
"""Deterministic synthetic tickets (JSON Lines) for scale tests and benchmarks.

usage: tools/gen/tickets.py COUNT [--seed N] [--bad-every K] > tickets.jsonl

Texts are recombined from short phrases in the three scripts; every ticket has created_at so
that diagnoses do not depend on the clock."""
import argparse
import datetime
import json
import random

PHRASES = [
    "APP一直闪退", "打开就白屏", "退款还没到账", "快递三天没更新", "登录不了，提示密码错误",
    "订单号 2026112012345678", "扣了两次钱", "客服一直不回复", "想问一下会员积分怎么用",
    "建议增加夜间模式", "我们公司想对接你们的API", "页面显示 502", "版本 v2.3.1，iOS 17",
    "程式一直閃退", "帳號登入不了", "退費申請一週了", "宅配一直沒送到", "網路很慢",
    "the app keeps crashing", "I was charged twice", "where is my parcel", "cannot log in",
    "please refund my order", "how do I change my address", "your agent promised a callback",
]
CHANNELS = ["phone", "chat", "email", "web", "app", "social", "wechat", "dingtalk", "mini_program"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("count", type=int)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--bad-every", type=int, default=0, help="make every K-th line invalid")
    a = p.parse_args()
    rng = random.Random(a.seed)
    start = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    for i in range(a.count):
        if a.bad_every and i % a.bad_every == a.bad_every - 1:
            print('{"text": "truncated')
            continue
        t = {"id": f"G-{i}", "channel": rng.choice(CHANNELS),
             "created_at": (start + datetime.timedelta(minutes=7 * i)).isoformat(),
             "text": "，".join(rng.sample(PHRASES, rng.randint(1, 3)))}
        print(json.dumps(t, ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    main()
