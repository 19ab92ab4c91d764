#!/usr/bin/python3
"""The peer benchmark's workload: synthetic tickets, keyword rule sets and their translations.

usage:
  workload.py tickets --count N [--seed S] [--bytes B]   > tickets.jsonl
  workload.py rules --rules R [--seed S]                 > rules.json
  workload.py convert --to FORMAT rules.json             > file
      FORMAT: triage (pack JSON), clips (constructs), jre (json-rules-engine rules),
              zen (JDM decision graph), hyperscan ("index<TAB>category<TAB>keyword" lines)
  workload.py stats rules.json tickets.jsonl             (hit rates, on stderr)

Semantics shared by every engine: a ticket's category is that of the FIRST rule, in rule order,
with any of its keywords as a substring of the text, else "none". Keywords and the Latin words of
the texts are lowercase, so case-insensitive and case-sensitive engines agree. The checksum is the
count of tickets per category.

Tickets: about B bytes (default 116) of simplified Chinese words glued together and lowercase
English-like words between spaces. A fixed pool of 24 "hot" keywords is planted into about two
thirds of the tickets (several into some); at R rules those 24 keywords sit in random rules and
every other keyword is "cold" (mostly drawn from the filler text's vocabulary, so it also hits now
and then, more often as rules grow). The ticket file is therefore the same at every scale.
Stdlib only, deterministic for a seed."""
import argparse
import itertools
import json
import random
import sys

# Common simplified characters outside triage's folding table (traditional → simplified,
# full-width → half-width), so every engine sees the same text; the checksums show that triage's
# regional keyword variants (软件 → 軟體) add no match on these texts either.
HAN = ("订单退款物流快递发货登录账号密码支付失败成功页面显示错误系统网络服务客户投诉建议咨询问题"
       "处理时间地址修改取消申请审核会员积分优惠券价格商品质量售后维修更换安装使用说明手机电脑软件"
       "版本更新升级下载打开关闭无法一直已经还是没有什么怎么为请帮忙谢尽快马上今天明昨小分钟收到送"
       "信息短验证码绑定解银行卡余额充值提现票合同企业采购库存配签包裹丢破损延迟催促回复电话人工转"
       "接等待排队")
HAN = "".join(dict.fromkeys(HAN))  # unique, in order
ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
          "z", "br", "cl", "dr", "fl", "gr", "pl", "st", "tr", "sh", "ch"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
CODAS = ["", "", "", "n", "r", "s", "t", "l", "x"]
FILLER_LATIN = 20000  # size of the filler text's Latin vocabulary (Zipf-distributed)
FILLER_HAN = 8000  # size of the filler text's Chinese vocabulary (Zipf-distributed)
HOT = 24  # hot keywords: 8 rules x 3 at the smallest scale


def latin_word(rng):
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                   for _ in range(rng.randint(2, 3)))


def han_word(rng, lo=2, hi=3):
    return "".join(rng.choice(HAN) for _ in range(rng.randint(lo, hi)))


class Vocabulary:
    """The filler words and the hot keywords; depends on nothing but the seed."""

    def __init__(self, seed):
        rng = random.Random(f"vocabulary-{seed}")
        self.latin = list(dict.fromkeys(latin_word(rng) for _ in range(FILLER_LATIN * 2)))[:FILLER_LATIN]
        self.han = list(dict.fromkeys(han_word(rng, 2, 2) for _ in range(FILLER_HAN * 2)))[:FILLER_HAN]
        hot = set()
        self.hot = []
        while len(self.hot) < HOT:
            w = han_word(rng, 2, 3) if len(self.hot) % 2 == 0 else latin_word(rng)
            if w not in hot:
                hot.add(w)
                self.hot.append(w)
        zipf = lambda n: [1.0 / (k + 1) for k in range(n)]
        self.latin_weights = zipf(len(self.latin))
        self.han_weights = zipf(len(self.han))


def cmd_tickets(a):
    voc = Vocabulary(a.seed)
    rng = random.Random(f"tickets-{a.seed}")
    latin_cum = list(itertools.accumulate(voc.latin_weights))
    han_cum = list(itertools.accumulate(voc.han_weights))
    out = sys.stdout
    for i in range(a.count):
        target = rng.randint(a.bytes - 16, a.bytes + 16)
        planted = rng.choices([0, 1, 2, 3], weights=[34, 40, 18, 8])[0]
        plants = rng.sample(voc.hot, planted)
        parts, size = [], 0
        while size < target:
            r = rng.random()
            if plants and r < 0.2:
                w = plants.pop()
                w = f" {w} " if w.isascii() else w
            elif r < 0.6:
                w = rng.choices(voc.han, cum_weights=han_cum)[0]
            elif r < 0.93:
                w = " " + rng.choices(voc.latin, cum_weights=latin_cum)[0] + " "
            else:
                w = rng.choice(["，", "。", "？", ", ", "! ", " 123 ", " v2.1 "])
            parts.append(w)
            size += len(w.encode())
        for w in plants:  # any plant not placed yet goes at the end
            parts.append(f" {w}" if w.isascii() else w)
        text = " ".join("".join(parts).split())
        out.write(json.dumps({"id": f"P-{i}", "text": text}, ensure_ascii=False,
                             separators=(",", ":")) + "\n")


def cmd_rules(a):
    voc = Vocabulary(a.seed)
    rng = random.Random(f"rules-{a.seed}-{a.rules}")
    n = a.rules
    categories = [f"c{k:02d}" for k in range(min(n, 64))]
    rules = [{"category": categories[i % len(categories)], "keywords": []} for i in range(n)]
    if n <= HOT // 3:
        for i, w in enumerate(voc.hot):
            rules[i % n]["keywords"].append(w)
    else:
        for w in voc.hot:
            rules[rng.randrange(n)]["keywords"].append(w)
        for r in rules:
            want = rng.randint(2, 4)
            while len(r["keywords"]) < want:
                x = rng.random()
                if x < 0.35:
                    w = rng.choice(voc.han) + rng.choice(HAN)  # 3 characters: rare
                elif x < 0.45:
                    w = han_word(rng, 2, 2)
                elif x < 0.65:
                    w = rng.choice(voc.latin)
                else:
                    w = latin_word(rng)  # mostly outside the filler vocabulary
                if w not in r["keywords"]:
                    r["keywords"].append(w)
    json.dump({"rules": rules, "categories": categories}, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def to_triage(rs):
    n = len(rs["rules"])

    def kw(w):  # lift triage's word-boundary rule so that a keyword is a plain substring
        return f"*{w}*" if w[0].isascii() or w[-1].isascii() else w

    return {
        "schema": 1, "name": "peers", "version": "1.0.0",
        "description": f"{n} keyword rules, first match wins (bench/peers/workload.py)",
        "dimensions": [{"id": "category", "values": rs["categories"],
                        "min_confidence": 0.0, "margin": 0.0}],
        "rules": [{"id": f"r{i}", "priority": n - i, "final": True,
                   "when": {"text_any": [kw(w) for w in r["keywords"]]},
                   "then": {"score": {"category": {r["category"]: 1.0}}}}
                  for i, r in enumerate(rs["rules"])],
    }


def clips_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_clips(rs):
    n = len(rs["rules"])
    if n > 10000:
        raise SystemExit("CLIPS salience is limited to [-10000, 10000]: at most 10000 rules")
    out = ['(deftemplate ticket (slot text (type STRING)))', '(defglobal ?*category* = "none")']
    for i, r in enumerate(rs["rules"]):
        tests = " ".join(f"(str-index {clips_string(w)} ?t)" for w in r["keywords"])
        out.append(f"(defrule r{i} (declare (salience {n - i})) "
                   f"(ticket (text ?t&:(or {tests}))) => (bind ?*category* {clips_string(r['category'])}))")
    return "\n".join(out) + "\n"


def to_jre(rs):
    # One rule per keyword rule, priorities in rule order; "textIncludes" is a custom operator
    # (String.prototype.includes: the built-in "contains" takes arrays). The runner stops the
    # engine at the first success, so lower priorities are not evaluated.
    n = len(rs["rules"])
    return [{"name": f"r{i}", "priority": n - i,
             "conditions": {"any": [{"fact": "text", "operator": "textIncludes", "value": w}
                                    for w in r["keywords"]]},
             "event": {"type": "match", "params": {"index": i, "category": r["category"]}}}
            for i, r in enumerate(rs["rules"])]


def zen_string(s):
    return json.dumps(s, ensure_ascii=False)


def to_zen(rs):
    # input → decision table (hit policy "first", one row per rule, in rule order) → output.
    rows = []
    for i, r in enumerate(rs["rules"]):
        cond = " or ".join(f"contains($, {zen_string(w)})" for w in r["keywords"])
        rows.append({"_id": f"row{i}", "in_text": cond, "out_category": zen_string(r["category"])})
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
            {"id": "table", "type": "decisionTableNode", "name": "categories",
             "position": {"x": 200, "y": 0},
             "content": {"hitPolicy": "first",
                         "inputs": [{"id": "in_text", "name": "text", "field": "text"}],
                         "outputs": [{"id": "out_category", "name": "category", "field": "category"}],
                         "rules": rows}},
            {"id": "out", "type": "outputNode", "name": "response", "position": {"x": 400, "y": 0}},
        ],
        "edges": [{"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
                  {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"}],
    }


def to_hyperscan(rs):
    return "".join(f"{i}\t{r['category']}\t{w}\n" for i, r in enumerate(rs["rules"]) for w in r["keywords"])


def cmd_convert(a):
    rs = load(a.rules)
    if a.to == "triage":
        json.dump(to_triage(rs), sys.stdout, ensure_ascii=False)
    elif a.to == "clips":
        sys.stdout.write(to_clips(rs))
    elif a.to == "jre":
        json.dump(to_jre(rs), sys.stdout, ensure_ascii=False)
    elif a.to == "zen":
        json.dump(to_zen(rs), sys.stdout, ensure_ascii=False)
    elif a.to == "hyperscan":
        sys.stdout.write(to_hyperscan(rs))
    if a.to in ("triage", "jre", "zen"):
        sys.stdout.write("\n")


def classify_all(rs, texts):
    """The reference semantics, as a plain loop (also the Python peer's inner loop)."""
    rules = [(r["category"], r["keywords"]) for r in rs["rules"]]
    out = []
    for t in texts:
        cat = "none"
        for c, kws in rules:
            if any(k in t for k in kws):
                cat = c
                break
        out.append(cat)
    return out


def cmd_stats(a):
    rs = load(a.rules)
    with open(a.tickets, encoding="utf-8") as f:
        texts = [json.loads(l)["text"] for l in f if l.strip()]
    kw = [r["keywords"] for r in rs["rules"]]
    hits = [sum(1 for ks in kw if any(k in t for k in ks)) for t in texts]
    n = len(texts)
    print(f"rules {len(kw)}: tickets {n}, mean bytes {sum(len(t.encode()) for t in texts) / n:.1f}, "
          f"matching >=1 rule {sum(h > 0 for h in hits) / n:.1%}, >=2 rules "
          f"{sum(h > 1 for h in hits) / n:.1%}, mean rules matched {sum(hits) / n:.2f}",
          file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tickets")
    t.add_argument("--count", type=int, required=True)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--bytes", type=int, default=116)
    r = sub.add_parser("rules")
    r.add_argument("--rules", type=int, required=True)
    r.add_argument("--seed", type=int, default=1)
    c = sub.add_parser("convert")
    c.add_argument("--to", required=True, choices=["triage", "clips", "jre", "zen", "hyperscan"])
    c.add_argument("rules")
    s = sub.add_parser("stats")
    s.add_argument("rules")
    s.add_argument("tickets")
    a = p.parse_args()
    {"tickets": cmd_tickets, "rules": cmd_rules, "convert": cmd_convert, "stats": cmd_stats}[a.cmd](a)


if __name__ == "__main__":
    main()
