// One case across channels: the Linker relates a new ticket to the open tickets of the same
// customer (id, phone, e-mail) within its window, and to tickets of nearly the same text; it
// forgets by age and by count, answers deterministically, and serves threads that add and ask.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "test_util.hpp"
#include "triage/engine.hpp"
#include "triage/linker.hpp"

namespace {
using triage::test::at;

triage::Ticket ticket(const std::string& id, triage::Channel ch, const char* created,
                      const std::string& text) {
  triage::Ticket t;
  t.id = id;
  t.channel = ch;
  t.created_at = triage::parse_timestamp(created).value();
  t.text = text;
  return t;
}

triage::Ticket with_customer(triage::Ticket t, std::optional<std::string> id,
                             std::optional<std::string> phone = {},
                             std::optional<std::string> email = {}) {
  t.customer = triage::Customer{};
  t.customer->id = std::move(id);
  t.customer->phone = std::move(phone);
  t.customer->email = std::move(email);
  return t;
}

// A pack whose opening template acknowledges the other channel.
const triage::Engine& engine() {
  static const triage::Engine e = [] {
    auto pack = triage::test::mini_pack_with_default_sla();
    pack["i18n"] = boost::json::parse(R"({"channels": {
        "app": {"zh-Hans": "App 内", "zh-Hant": "App 內", "en": "in-app chat"}}})");
    pack["templates"] = boost::json::parse(R"([
      {"id": "t.related", "kind": "opening", "when": {"related": true},
       "text": {"zh-Hans": "您好！我们看到您之前已通过{related_channel|其他渠道}反映过同一个问题[（编号 {related_ticket}）]，两次反馈我们会一起跟进。",
                "zh-Hant": "您好！我們看到您先前已透過{related_channel|其他管道}反映過同一個問題。",
                "en": "Hello, we can see you already told us about this through {related_channel|another channel}."}},
      {"id": "t.open", "kind": "opening", "text": {"zh-Hans": "您好。", "zh-Hant": "您好。", "en": "Hello."}}])");
    return *triage::Engine::from_json(boost::json::serialize(pack));
  }();
  return e;
}

// Diagnoses with the linker (which fills `related`), then remembers the ticket, as a host does.
triage::Diagnosis link(triage::Linker& linker, const triage::Ticket& t) {
  triage::DiagnoseOptions o;
  o.linker = &linker;
  triage::Diagnosis d = engine().diagnose(t, o);
  linker.add(t, d);
  return d;
}

TEST(Linker, TheWaterHeaterReportedInTheAppAndThenByPhoneIsOneCase) {
  triage::Linker linker;
  const auto chat =
      link(linker, with_customer(ticket("APP-1", triage::Channel::app, "2026-11-20T09:12:00+08:00",
                                        "热水器不加热，洗澡只有冷水，麻烦看一下"),
                                 "C20240520001", "138 0013 8000"));
  ASSERT_TRUE(chat.related);
  EXPECT_TRUE(chat.related->empty());
  EXPECT_EQ(chat.response->id, "t.open");
  const auto call =
      link(linker, with_customer(ticket("TEL-7", triage::Channel::phone,
                                        "2026-11-20T15:40:00+08:00", "你们的客服永远没人回复！"),
                                 "C20240520001", "+86 13800138000"));
  ASSERT_EQ(call.related->size(), 1u);
  const auto& r = call.related->front();
  EXPECT_EQ(r.ticket_id, "APP-1");
  EXPECT_EQ(r.channel, "app");
  EXPECT_EQ(r.reason, "customer_id");  // the strongest of the identities that agree
  EXPECT_EQ(r.score, 1.0);
  EXPECT_EQ(call.response->id, "t.related");
  EXPECT_EQ(
      call.response->text,
      "您好！我们看到您之前已通过App 内反映过同一个问题（编号 APP-1），两次反馈我们会一起跟进。");
  const auto o = triage::to_json(call);
  EXPECT_EQ(o.at("related").as_array()[0].at("reason").as_string(), "customer_id");
  EXPECT_EQ(o.at("related").as_array()[0].at("created_at").as_string(),
            "2026-11-20T09:12:00+08:00");
}

TEST(Linker, TheDefaultPackAcknowledgesTheOtherChannelInThreeLanguages) {
  // The water heater of seed 001 with the built-in pack: the phone call's opening names the app.
  struct Case {
    const char *first, *second, *channel_name;
  };
  const Case cases[] = {
      {"热水器不加热，洗澡只有冷水，麻烦看一下", "你们的客服永远没人回复！", "App"},
      {"熱水器不加熱，洗澡只有冷水，麻煩看一下", "你們的客服永遠沒人回覆！", "App"},
      {"My water heater does not heat, only cold water in the shower.",
       "Why does nobody at your service ever answer?", "the app"},
  };
  for (const auto& c : cases) {
    triage::Linker linker;
    triage::DiagnoseOptions o;
    o.linker = &linker;
    const auto chat = with_customer(
        ticket("APP-1", triage::Channel::app, "2026-11-20T09:12:00+08:00", c.first), "C1");
    linker.add(chat, triage::Engine::builtin().diagnose(chat, o));
    const auto call = with_customer(
        ticket("TEL-7", triage::Channel::phone, "2026-11-20T15:40:00+08:00", c.second), "C1");
    const auto d = triage::Engine::builtin().diagnose(call, o);
    ASSERT_EQ(d.related->size(), 1u) << c.second;
    ASSERT_TRUE(d.response) << c.second;
    // An opening, or a clarification when the call leaves something to ask: both name the app.
    EXPECT_TRUE(d.response->id == "tpl.opening.related" ||
                d.response->id == "tpl.clarification.related")
        << d.response->id;
    EXPECT_NE(d.response->text.find(c.channel_name), std::string::npos) << d.response->text;
    EXPECT_NE(d.response->text.find("APP-1"), std::string::npos) << d.response->text;
  }
}

TEST(Linker, TenMoreCrossChannelPairsAreLinked) {
  struct Pair {
    triage::Ticket first, second;
    const char* reason;
  };
  using C = triage::Channel;
  const std::vector<Pair> pairs = {
      {with_customer(ticket("a1", C::email, "2026-03-01T10:00:00Z", "Order 8812 never arrived"), {},
                     {}, "Li.Wei@Example.com"),
       with_customer(ticket("a2", C::chat, "2026-03-02T10:00:00Z", "where is my parcel??"), {}, {},
                     " li.wei@example.com"),
       "email"},
      {with_customer(ticket("b1", C::phone, "2026-03-01T10:00:00+08:00", "退款还没到账"), {},
                     "021-6234 5678"),
       with_customer(ticket("b2", C::wechat, "2026-03-03T09:00:00+08:00", "钱呢？"), {},
                     "+86 21 6234 5678"),
       "phone"},
      {with_customer(ticket("c1", C::web, "2026-03-01T00:00:00Z", "Cannot log in since yesterday"),
                     "U-77"),
       with_customer(ticket("c2", C::social, "2026-03-06T23:00:00Z", "@brand still locked out"),
                     "U-77"),
       "customer_id"},
      {with_customer(ticket("d1", C::mini_program, "2026-03-01T08:00:00+08:00", "优惠券用不了"), {},
                     "13912345678"),
       with_customer(ticket("d2", C::phone, "2026-03-01T20:00:00+08:00", "我刚才在小程序里说过了"),
                     {}, "0086-139-1234-5678"),
       "phone"},
      {with_customer(ticket("e1", C::dingtalk, "2026-03-01T08:00:00+08:00", "发票开错了抬头"),
                     "ENT-9"),
       with_customer(ticket("e2", C::email, "2026-03-02T08:00:00+08:00", "Invoice title is wrong"),
                     "ENT-9"),
       "customer_id"},
      {with_customer(ticket("f1", C::app, "2026-03-01T08:00:00Z", "Card blocked abroad"), {},
                     "+1 (415) 555-0100"),
       with_customer(ticket("f2", C::phone, "2026-03-01T09:00:00Z", "help, card blocked"), {},
                     "4155550100"),
       "phone"},
      {with_customer(ticket("g1", C::chat, "2026-03-01T08:00:00Z", "包裹显示已签收但是没收到"), {},
                     {}, "WANG@QQ.COM"),
       with_customer(ticket("g2", C::email, "2026-03-04T08:00:00Z", "快递呢"), {}, {},
                     "wang@qq.com"),
       "email"},
      // No identity on the second side: the same words from the same person, on another channel.
      {ticket("h1", C::email, "2026-03-01T08:00:00Z",
              "My washing machine shows error E21 and will not drain the water at all, please send "
              "an engineer"),
       ticket("h2", C::web, "2026-03-01T12:00:00Z",
              "my washing machine shows error E21 and will not drain the water at all - please "
              "send an engineer!"),
       "similar_text"},
      {ticket("i1", C::app, "2026-03-01T08:00:00+08:00",
              "冰箱冷藏室不制冷，冷冻室正常，已经断电重启过了还是不行"),
       with_customer(ticket("i2", C::wechat, "2026-03-02T08:00:00+08:00",
                            "冰箱冷藏室不制冷,冷冻室正常,已经断电重启过了,还是不行"),
                     "N-1"),
       "similar_text"},
      {with_customer(ticket("j1", C::social, "2026-03-01T08:00:00Z", "wifi router keeps dropping"),
                     "R-5", "13700001111", "r5@mail.com"),
       with_customer(ticket("j2", C::other, "2026-03-01T09:00:00Z", "any update?"), {},
                     "137-0000-1111", "R5@MAIL.COM"),
       "phone"},
  };
  for (const auto& p : pairs) {
    triage::Linker linker;
    link(linker, p.first);
    const auto d = link(linker, p.second);
    ASSERT_EQ(d.related->size(), 1u) << *p.second.id;
    EXPECT_EQ(d.related->front().ticket_id, *p.first.id);
    EXPECT_EQ(d.related->front().reason, p.reason) << *p.second.id;
    EXPECT_EQ(d.related->front().channel, triage::to_string(p.first.channel));
  }
}

TEST(Linker, NoFalseLinkAmongTenThousandUnrelatedTickets) {
  // Generated tickets: every one its own customer (half without any identity), texts built from
  // products, faults, places and numbers, spread over 60 days.
  const std::vector<std::string> products = {
      "热水器", "冰箱",         "洗衣机", "空调",   "电视",   "手机",       "路由器",
      "扫地机", "water heater", "fridge", "laptop", "router", "headphones", "camera"};
  const std::vector<std::string> faults = {"不加热",     "不制冷",        "漏水",
                                           "开不了机",   "屏幕闪烁",      "连不上网",
                                           "噪音很大",   "won't turn on", "keeps rebooting",
                                           "is leaking", "makes a noise", "screen flickers"};
  const std::vector<std::string> extras = {
      "订单号",     "买了三天", "刚安装",           "已经重启过",           "孩子等着用",
      "明天要出差", "order",    "bought last week", "already restarted it", "need it today"};
  std::mt19937 rng(17);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  triage::Linker linker;
  std::size_t linked = 0;
  for (int i = 0; i < 10000; ++i) {
    auto t = ticket("G-" + std::to_string(i), static_cast<triage::Channel>(1 + rng() % 10),
                    "2026-01-01T00:00:00Z", "");
    t.created_at->utc += boost::posix_time::minutes(i * 8);
    t.text = pick(products) + pick(faults) + "，" + pick(extras) + " " +
             std::to_string(100000 + rng() % 900000) + " " + pick(products) + pick(extras);
    if (i % 2 == 0) {
      t = with_customer(std::move(t), "CUST-" + std::to_string(i),
                        "1" + std::to_string(3000000000ull + i * 7919ull),
                        "user" + std::to_string(i) + "@example.com");
    }
    const auto related = linker.related(t, {});
    linked += !related.empty();
    for (const auto& r : related) {
      ADD_FAILURE() << t.text << " linked to " << r.ticket_id << " (" << r.reason << " " << r.score
                    << ")";
    }
    triage::Diagnosis d;
    linker.add(t, d);
  }
  EXPECT_EQ(linked, 0u);
}

TEST(Linker, OnlyOpenTicketsWithinTheWindowAreRelated) {
  triage::LinkerOptions o;
  o.window_seconds = 3 * 24 * 3600;
  triage::Linker linker(o);
  triage::Diagnosis d;
  linker.add(
      with_customer(ticket("old", triage::Channel::email, "2026-04-30T00:00:00Z", "x"), "C1"), d);
  linker.add(
      with_customer(ticket("closed", triage::Channel::chat, "2026-05-03T00:00:00Z", "y"), "C1"), d);
  linker.add(with_customer(ticket("open", triage::Channel::app, "2026-05-04T00:00:00Z", "z"), "C1"),
             d);
  EXPECT_TRUE(linker.close("closed"));
  EXPECT_FALSE(linker.close("unknown"));
  const auto t =
      with_customer(ticket("new", triage::Channel::phone, "2026-05-05T00:00:00Z", "w"), "C1");
  const auto r = linker.related(t, {});
  ASSERT_EQ(r.size(), 1u);  // "old" is 5 days back, "closed" is closed
  EXPECT_EQ(r.front().ticket_id, "open");
  // A ticket never relates to itself.
  EXPECT_TRUE(
      linker
          .related(with_customer(ticket("open", triage::Channel::app, "2026-05-04T00:00:00Z", "z"),
                                 "C1"),
                   {})
          .empty());
}

TEST(Linker, ForgetsByAgeAndByCount) {
  triage::LinkerOptions o;
  o.max_tickets = 100;
  o.window_seconds = 24 * 3600;
  triage::Linker linker(o);
  triage::Diagnosis d;
  for (int i = 0; i < 1000; ++i) {
    auto t =
        with_customer(ticket("T" + std::to_string(i), triage::Channel::chat, "2026-05-01T00:00:00Z",
                             "ticket number " + std::to_string(i) + " about something else"),
                      "C" + std::to_string(i));
    t.created_at->utc += boost::posix_time::seconds(i);
    linker.add(t, d);
  }
  auto s = linker.stats();
  EXPECT_EQ(s.tickets, 100u);
  EXPECT_EQ(s.added, 1000u);
  EXPECT_EQ(s.evicted, 900u);
  EXPECT_EQ(s.keys, 100u);  // the index shrinks with the tickets
  // A day later, one new ticket pushes every older one out of the window.
  auto late =
      with_customer(ticket("late", triage::Channel::chat, "2026-05-03T00:00:00Z", "x"), "Z");
  linker.add(late, d);
  s = linker.stats();
  EXPECT_EQ(s.tickets, 1u);
  EXPECT_EQ(s.keys, 1u);
  EXPECT_EQ(s.buckets, 0u);  // "x" is too short to link by text
}

TEST(Linker, AnswersDependOnlyOnWhatWasAdded) {
  auto run = [] {
    triage::Linker linker;
    triage::Diagnosis d;
    std::vector<std::string> answers;
    for (int i = 0; i < 300; ++i) {
      auto t = with_customer(
          ticket("T" + std::to_string(i), triage::Channel::chat, "2026-05-01T00:00:00Z",
                 "the same printer jams on page " + std::to_string(i % 3)),
          "C" + std::to_string(i % 7));
      t.created_at->utc += boost::posix_time::minutes(i);
      std::string a;
      for (const auto& r : linker.related(t, {})) a += r.ticket_id + ":" + r.reason + " ";
      answers.push_back(a);
      linker.add(t, d);
    }
    return answers;
  };
  const auto first = run();
  EXPECT_EQ(first, run());
  EXPECT_EQ(first[7], "T0:customer_id ");
}

TEST(Linker, PhonesAndEmailsAreNormalised) {
  EXPECT_EQ(triage::normalize_phone("+86 138-0013-8000"), "3800138000");
  EXPECT_EQ(triage::normalize_phone("0086 13800138000"), triage::normalize_phone("13800138000"));
  EXPECT_EQ(triage::normalize_phone("+1 (415) 555-0100"), triage::normalize_phone("415.555.0100"));
  EXPECT_EQ(triage::normalize_phone("12345"), "");  // too short to be a phone
  EXPECT_EQ(triage::normalize_email("  Li.Wei@Example.COM "), "li.wei@example.com");
  EXPECT_GE(triage::text_similarity("热水器不加热，洗澡只有冷水", "热水器不加热,洗澡只有冷水!"),
            0.99);
  EXPECT_LT(triage::text_similarity("热水器不加热，洗澡只有冷水", "退款还没到账，请尽快处理"), 0.1);
}

TEST(Linker, WritersAndReadersShareOneLinker) {
  triage::LinkerOptions o;
  o.max_tickets = 2000;
  triage::Linker linker(o);
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> found{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      triage::Diagnosis d;
      for (int i = 0; i < 3000; ++i) {
        auto t = with_customer(
            ticket("W" + std::to_string(w) + "-" + std::to_string(i), triage::Channel::app,
                   "2026-05-01T00:00:00Z",
                   "writer " + std::to_string(w) + " ticket about item " + std::to_string(i)),
            "C" + std::to_string(i % 50));
        t.created_at->utc += boost::posix_time::seconds(i);
        linker.add(t, d);
        if (i % 500 == 0) linker.close("W" + std::to_string(w) + "-" + std::to_string(i / 2));
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      while (!stop) {
        for (int c = 0; c < 50; ++c) {
          auto t =
              with_customer(ticket("Q", triage::Channel::phone, "2026-05-01T00:30:00Z", "query"),
                            "C" + std::to_string(c));
          for (const auto& rel : linker.related(t, {})) {
            EXPECT_EQ(rel.reason, "customer_id");
            ++found;
          }
        }
        (void)linker.stats();
      }
    });
  }
  threads[0].join();
  threads[1].join();
  stop = true;
  threads[2].join();
  threads[3].join();
  EXPECT_GT(found.load(), 0u);
  const auto s = linker.stats();
  EXPECT_EQ(s.added, 6000u);
  EXPECT_LE(s.tickets, 2000u);
}

}  // namespace
