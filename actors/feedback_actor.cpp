// The feedback actor: the only writer of the feedback topic. Each new item is appended with its
// index entries and the new quality states of its subjects in one transaction; the in-memory
// accumulators move at once (speculatively), and a subject whose append was refused is rebuilt
// from its items once nothing of it is in flight. Never blocks: appends are asynchronous, and
// reads (duplicate checks, rebuilds) are short LMDB reads.
#include "actors/feedback_impl.hpp"

#include "actors/messages.hpp"
#include "persistence/feedback_codec.hpp"
#include "persistence/feedback_index.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <functional>
#include <memory>
#include <tuple>
#include <unordered_map>

namespace tocsin::actors {
namespace {

using done_fn = std::function<void(const domain::error&)>;
using persistence::kv_db;
using persistence::kv_op;

struct subject_flight {
  std::size_t in_flight = 0;
  bool dirty = false; // an append carrying a speculative state of it was not written
};

struct pending_append {
  std::vector<std::string> subjects; // quality keys
  std::vector<done_fn> waiters;
};

using fold_key = std::tuple<std::string, std::string, domain::timestamp>; // tenant, artifact, window

struct feedback_state {
  std::shared_ptr<feedback_env> env;
  quality_map quality;
  std::unordered_map<std::string, subject_flight> flights;
  std::unordered_map<std::string, pending_append> pending; // by feedback key
  std::map<fold_key, domain::error_fold> folds;
  static inline const char* name = "feedback";
};

using self_ptr = caf::stateful_actor<feedback_state>*;

std::vector<std::pair<domain::subject_kind, const std::string*>>
subjects_of(const domain::feedback_item& it) {
  std::vector<std::pair<domain::subject_kind, const std::string*>> out;
  if (!it.artifact_id.empty()) out.emplace_back(domain::subject_kind::artifact, &it.artifact_id);
  if (!it.agent_id.empty()) out.emplace_back(domain::subject_kind::agent, &it.agent_id);
  if (!it.skill_id.empty()) out.emplace_back(domain::subject_kind::skill, &it.skill_id);
  return out;
}

// The subject's accumulator recomputed from its stored items (order does not matter).
void rebuild(self_ptr self, const std::string& qk) {
  auto& env = *self->state.env;
  auto subject = persistence::parse_quality_key(qk);
  if (!subject)
    return;
  persistence::feedback_filter f;
  f.tenant = subject->tenant;
  switch (subject->kind) {
    case domain::subject_kind::artifact: f.artifact_id = subject->id; break;
    case domain::subject_kind::agent: f.agent_id = subject->id; break;
    case domain::subject_kind::skill: f.skill_id = subject->id; break;
  }
  f.page_size = 1000;
  domain::quality_accumulator acc;
  for (;;) {
    auto page = persistence::list_feedback(env.store, env.topic, f);
    if (!page.ok()) {
      spdlog::error("feedback: rebuilding quality of {} failed: {}", subject->id,
                    page.err().message);
      return;
    }
    for (const auto& it : page->items)
      acc.add(it, env.opts.quality);
    if (page->next_page_token.empty())
      break;
    f.page_token = page->next_page_token;
  }
  self->state.quality[qk] = acc;
  env.appends.begin();
  env.store.write({{kv_db::topics, kv_op::put, qk, persistence::encode_quality(acc.state())}},
                  [envp = self->state.env](domain::error err) {
                    if (err.code != domain::errc::ok)
                      spdlog::warn("feedback: writing a rebuilt quality state failed: {}",
                                   err.message);
                    envp->appends.end();
                  });
}

void submit(self_ptr self, domain::feedback_item it, done_fn done) {
  auto& st = self->state;
  auto& env = *st.env;
  if (it.tenant.empty() || it.source_id.empty())
    return done(domain::make_error(domain::errc::invalid_argument,
                                   "a feedback item needs a tenant and a source id"));
  it.id = domain::feedback_id(it.tenant, it.source, it.source_id);
  if (it.created_at == 0)
    it.created_at = env.clk.now();
  std::string key = domain::feedback_key(it.tenant, it.source, it.source_id);
  if (auto p = st.pending.find(key); p != st.pending.end()) {
    p->second.waiters.push_back(std::move(done)); // decided by the append in flight
    return;
  }
  auto found = env.topic.find(key);
  if (!found.ok()) {
    env.counters.failed.fetch_add(1, std::memory_order_relaxed);
    return done(found.err());
  }
  if (*found) {
    env.counters.duplicates.fetch_add(1, std::memory_order_relaxed);
    return done({});
  }
  std::vector<kv_op> extra = persistence::feedback_index_ops(it);
  pending_append p;
  for (const auto& [kind, id] : subjects_of(it)) {
    auto qk = persistence::quality_key(it.tenant, kind, *id);
    auto& acc = st.quality[qk];
    acc.add(it, env.opts.quality);
    extra.push_back({kv_db::topics, kv_op::put, qk, persistence::encode_quality(acc.state())});
    ++st.flights[qk].in_flight;
    p.subjects.push_back(std::move(qk));
  }
  p.waiters.push_back(std::move(done));
  st.pending.emplace(key, std::move(p));
  env.appends.begin();
  auto me = caf::actor_cast<caf::actor>(self);
  const auto partition = env.topic.partition_of(key);
  env.topic.append(
    key, partition, persistence::encode_feedback(it),
    [me, key, envp = st.env](persistence::topic_append_result r) {
      caf::anon_send(me, fb_done_atom::value, append_done{key, std::move(r)});
      envp->appends.end();
    },
    std::move(extra));
}

void finish(self_ptr self, append_done& d) {
  auto& st = self->state;
  auto& c = st.env->counters;
  auto node = st.pending.extract(d.key);
  if (node.empty())
    return;
  auto& p = node.mapped();
  const bool written = d.res.ok() && d.res.created;
  for (const auto& qk : p.subjects) {
    auto& fl = st.flights[qk];
    --fl.in_flight;
    fl.dirty = fl.dirty || !written;
    if (fl.in_flight == 0) {
      if (fl.dirty)
        rebuild(self, qk);
      st.flights.erase(qk);
    }
  }
  if (written) {
    c.created.fetch_add(1, std::memory_order_relaxed);
    c.quality_updates.fetch_add(p.subjects.size(), std::memory_order_relaxed);
  } else if (d.res.ok()) {
    c.duplicates.fetch_add(1, std::memory_order_relaxed);
  } else {
    c.failed.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("feedback: appending an item failed ({}): {}",
                 domain::to_string(d.res.err.code), d.res.err.message);
  }
  for (auto& w : p.waiters)
    w(d.res.err);
}

done_fn reply_to(caf::response_promise rp) {
  return [rp](const domain::error& err) mutable {
    if (err.code == domain::errc::ok)
      rp.deliver(caf::unit);
    else
      rp.deliver(to_caf_error(err));
  };
}

done_fn log_failure(const char* what) {
  return [what](const domain::error& err) {
    if (err.code != domain::errc::ok)
      spdlog::warn("feedback: {} not created ({}): {}", what, domain::to_string(err.code),
                   err.message);
  };
}

void fold(self_ptr self, const std::string& tenant, std::vector<error_observation>& obs) {
  const auto window = self->state.env->opts.error_window;
  for (auto& o : obs) {
    const domain::timestamp start = o.at - ((o.at % window) + window) % window;
    auto& f = self->state.folds[{tenant, o.artifact_id, start}];
    if (f.errors == 0) {
      f.artifact_id = std::move(o.artifact_id);
      f.agent_id = std::move(o.agent_id);
      f.skill_id = std::move(o.skill_id);
      f.trace_id = std::move(o.trace_id);
      f.window_start = start;
    }
    ++f.errors;
  }
}

// Folds whose window (plus lateness) is over become items.
void emit_due_folds(self_ptr self) {
  auto& env = *self->state.env;
  const auto now = env.clk.now();
  auto& folds = self->state.folds;
  for (auto i = folds.begin(); i != folds.end();) {
    const auto& f = i->second;
    if (f.window_start + env.opts.error_window + env.opts.error_lateness > now) {
      ++i;
      continue;
    }
    env.counters.folds.fetch_add(1, std::memory_order_relaxed);
    submit(self, domain::from_error_fold(std::get<0>(i->first), f, now),
           log_failure("error-span fold"));
    i = folds.erase(i);
  }
}

caf::result<quality_rows> query(self_ptr self, const std::string& tenant,
                                const std::string& kind_word) {
  std::optional<domain::subject_kind> kind;
  if (!kind_word.empty()) {
    kind = domain::parse_subject_kind(kind_word);
    if (!kind)
      return to_caf_error(domain::make_error(
        domain::errc::invalid_argument, "kind '" + kind_word + "' is not artifact, agent or skill"));
  }
  auto& env = *self->state.env;
  const auto now = env.clk.now();
  const auto prefix = persistence::quality_prefix(tenant);
  quality_rows rows;
  for (auto i = self->state.quality.lower_bound(prefix);
       i != self->state.quality.end() && i->first.compare(0, prefix.size(), prefix) == 0; ++i) {
    auto subject = persistence::parse_quality_key(i->first);
    if (!subject || subject->tenant != tenant || (kind && subject->kind != *kind))
      continue;
    const auto& acc = i->second;
    quality_row r;
    r.kind = subject->kind;
    r.id = subject->id;
    r.score = acc.score(std::max(now, acc.last_at()), env.opts.quality);
    r.items = acc.items();
    r.negative = acc.negative();
    r.neutral = acc.neutral();
    r.positive = acc.positive();
    r.last_at = acc.last_at();
    rows.push_back(std::move(r));
  }
  return rows;
}

caf::behavior feedback_actor(self_ptr self, std::shared_ptr<feedback_env> env,
                             quality_map quality) {
  self->state.env = std::move(env);
  self->state.quality = std::move(quality);
  self->delayed_send(self, self->state.env->opts.poll_interval, fb_tick_atom::value);
  return {
    [=](feedback_atom, domain::feedback_item& it) -> caf::result<caf::unit_t> {
      auto rp = self->make_response_promise();
      submit(self, std::move(it), reply_to(rp));
      return caf::delegated<caf::unit_t>();
    },
    [=](feedback_atom, std::vector<domain::feedback_item>& items) -> caf::result<caf::unit_t> {
      if (items.empty())
        return caf::unit;
      // One answer once all are durable: the first error, if any.
      struct batch {
        std::size_t left = 0;
        domain::error first;
        caf::response_promise rp;
      };
      auto b = std::make_shared<batch>();
      b->left = items.size();
      b->rp = self->make_response_promise();
      for (auto& it : items)
        submit(self, std::move(it), [b](const domain::error& err) {
          if (err.code != domain::errc::ok && b->first.code == domain::errc::ok)
            b->first = err;
          if (--b->left == 0)
            reply_to(b->rp)(b->first);
        });
      return caf::delegated<caf::unit_t>();
    },
    [=](fb_fold_atom, const std::string& tenant, std::vector<error_observation>& obs) {
      fold(self, tenant, obs);
    },
    [=](fb_done_atom, append_done& d) { finish(self, d); },
    [=](fb_tick_atom) {
      emit_due_folds(self);
      self->delayed_send(self, self->state.env->opts.poll_interval, fb_tick_atom::value);
    },
    [=](quality_atom, const std::string& tenant, const std::string& kind) {
      return query(self, tenant, kind);
    },
    [=](fb_stop_atom) { self->quit(); },
  };
}

} // namespace

caf::actor spawn_feedback_actor(std::shared_ptr<feedback_env> env, quality_map quality) {
  auto& sys = env->sys;
  return sys.spawn(feedback_actor, std::move(env), std::move(quality));
}

} // namespace tocsin::actors
