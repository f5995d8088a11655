// `tocsinctl feedback list|get` and `tocsinctl quality list`: the tenant's feedback items
// (resolved incidents, runtime signals, cost anomalies) and the quality scores of its
// artifacts, agents and skills, over tocsin.v1.FeedbackService.
#include "commands.hpp"

#include "tocsin/v1/feedback.pb.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace tocsinctl {

namespace {

std::string strip_prefix(const std::string& full, const std::string& prefix) {
  std::string s = full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full;
  for (auto& ch : s)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string name_of(pb::FeedbackSource v) {
  return strip_prefix(pb::FeedbackSource_Name(v), "FEEDBACK_SOURCE_");
}
std::string name_of(pb::Sentiment v) { return strip_prefix(pb::Sentiment_Name(v), "SENTIMENT_"); }
std::string name_of(pb::SubjectKind v) {
  return strip_prefix(pb::SubjectKind_Name(v), "SUBJECT_KIND_");
}

json item_json(const pb::FeedbackItem& it) {
  return json{{"id", it.id()},
              {"tenant", it.tenant()},
              {"source", name_of(it.source())},
              {"source_id", it.source_id()},
              {"category", tocsinctl::name_of(it.category())},
              {"sentiment", name_of(it.sentiment())},
              {"summary", it.summary()},
              {"artifact_id", it.artifact_id()},
              {"agent_id", it.agent_id()},
              {"skill_id", it.skill_id()},
              {"trace_id", it.trace_id()},
              {"created_at", format_time(it.created_at_unix_nano())}};
}

std::string score_text(double score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", score);
  return buf;
}

struct list_args {
  std::string trace_id, artifact, agent, skill, category, page_token;
  std::uint32_t limit = 0;
  bool all = false;
};

int list(client& c, output fmt, const cli_state& st, const list_args& a) {
  pb::ListFeedbackRequest req;
  req.set_tenant(st.conn.tenant);
  req.set_trace_id(a.trace_id);
  req.set_artifact_id(a.artifact);
  req.set_agent_id(a.agent);
  req.set_skill_id(a.skill);
  if (!a.category.empty())
    req.set_category(category_of(a.category));
  req.set_page_size(a.limit);
  req.set_page_token(a.page_token);
  pb::ListFeedbackResponse all;
  for (;;) {
    pb::ListFeedbackResponse page;
    auto ctx = c.context();
    auto status = c.feedback().List(ctx.get(), req, &page);
    if (!status.ok())
      return c.report(status);
    all.mutable_items()->MergeFrom(page.items());
    all.set_next_page_token(page.next_page_token());
    if (!a.all || page.next_page_token().empty())
      break;
    req.set_page_token(page.next_page_token());
  }
  if (fmt != output::table) {
    json items = json::array();
    for (const auto& it : all.items())
      items.push_back(item_json(it));
    print(json{{"items", items}, {"next_page_token", all.next_page_token()}}, fmt);
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {
    {"ID", "CREATED", "SOURCE", "CATEGORY", "SENTIMENT", "ARTIFACT", "AGENT", "SKILL", "SUMMARY"}};
  for (const auto& it : all.items())
    rows.push_back({it.id(), format_time(it.created_at_unix_nano(), true), name_of(it.source()),
                    tocsinctl::name_of(it.category()), name_of(it.sentiment()), it.artifact_id(),
                    it.agent_id(), it.skill_id(), it.summary()});
  std::cout << table(rows);
  if (!all.next_page_token().empty())
    std::cout << "more: --page-token " << all.next_page_token() << "\n";
  return 0;
}

int get(client& c, output fmt, const cli_state& st, const std::string& id) {
  pb::GetFeedbackRequest req;
  req.set_tenant(st.conn.tenant);
  req.set_id(id);
  pb::FeedbackItem it;
  auto ctx = c.context();
  auto status = c.feedback().Get(ctx.get(), req, &it);
  if (!status.ok())
    return c.report(status);
  if (fmt != output::table) {
    print(item_json(it), fmt);
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {{"FIELD", "VALUE"}};
  for (const auto& [k, v] : item_json(it).items())
    rows.push_back({k, v.get<std::string>()});
  std::cout << table(rows);
  return 0;
}

int quality(client& c, output fmt, const cli_state& st, const std::string& kind) {
  pb::QualityScoresRequest req;
  req.set_tenant(st.conn.tenant);
  if (!kind.empty()) {
    pb::SubjectKind k = pb::SUBJECT_KIND_UNSPECIFIED;
    std::string upper = kind;
    for (auto& ch : upper)
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    pb::SubjectKind_Parse("SUBJECT_KIND_" + upper, &k);
    req.set_kind(k);
  }
  pb::QualityScoresResponse resp;
  auto ctx = c.context();
  auto status = c.feedback().QualityScores(ctx.get(), req, &resp);
  if (!status.ok())
    return c.report(status);
  if (fmt != output::table) {
    json scores = json::array();
    for (const auto& s : resp.scores())
      scores.push_back(json{{"kind", name_of(s.kind())},
                            {"id", s.id()},
                            {"score", s.score()},
                            {"items", s.items()},
                            {"negative", s.negative()},
                            {"neutral", s.neutral()},
                            {"positive", s.positive()},
                            {"last_at", format_time(s.last_at_unix_nano())}});
    print(json{{"scores", scores}}, fmt);
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {
    {"KIND", "ID", "SCORE", "ITEMS", "NEGATIVE", "NEUTRAL", "POSITIVE", "LAST"}};
  for (const auto& s : resp.scores())
    rows.push_back({name_of(s.kind()), s.id(), score_text(s.score()), std::to_string(s.items()),
                    std::to_string(s.negative()), std::to_string(s.neutral()),
                    std::to_string(s.positive()), format_time(s.last_at_unix_nano(), true)});
  std::cout << table(rows);
  return 0;
}

} // namespace

void add_feedback_commands(CLI::App& app, cli_state& st) {
  auto* fb = app.add_subcommand(
    "feedback", "feedback items: resolved incidents, runtime signals and cost anomalies");
  fb->require_subcommand(1);
  auto* cmd = fb->add_subcommand("list", "the tenant's feedback items, newest first");
  auto a = std::make_shared<list_args>();
  cmd->add_option("--trace-id", a->trace_id, "only items of this trace");
  cmd->add_option("--artifact", a->artifact, "only items attributed to this artifact");
  cmd->add_option("--agent", a->agent, "only items attributed to this agent");
  cmd->add_option("--skill", a->skill, "only items attributed to this skill");
  cmd->add_option("--category", a->category)->check(CLI::IsMember(category_names()));
  cmd->add_option("--limit", a->limit, "page size (server default 100)")->check(CLI::Range(1, 1000));
  cmd->add_option("--page-token", a->page_token, "continue a previous listing");
  cmd->add_flag("--all", a->all, "follow every page");
  cmd->callback([&st, a] {
    st.action = [&st, a](client& c, output fmt) { return list(c, fmt, st, *a); };
  });
  auto* g = fb->add_subcommand("get", "show one feedback item");
  auto id = std::make_shared<std::string>();
  g->add_option("id", *id, "feedback id (fb-...)")->required();
  g->callback([&st, id] {
    st.action = [&st, id](client& c, output fmt) { return get(c, fmt, st, *id); };
  });

  auto* q = app.add_subcommand("quality", "quality scores of artifacts, agents and skills");
  q->require_subcommand(1);
  auto* ql = q->add_subcommand("list", "scores (0..100, 50 = no evidence) at this moment");
  auto kind = std::make_shared<std::string>();
  ql->add_option("--kind", *kind, "artifact, agent or skill (default: all)")
    ->check(CLI::IsMember({"artifact", "agent", "skill"}));
  ql->callback([&st, kind] {
    st.action = [&st, kind](client& c, output fmt) { return quality(c, fmt, st, *kind); };
  });
}

} // namespace tocsinctl
