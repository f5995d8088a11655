// List and Get read LMDB on the blocking pool (no actor holds the items); QualityScores is one
// request to the feedback actor, which owns the accumulators.
#include "api/feedback_service.hpp"

#include "actors/feedback_messages.hpp"
#include "actors/messages.hpp"
#include "api/status.hpp"
#include "persistence/feedback_codec.hpp"
#include "persistence/feedback_index.hpp"
#include "tocsin/v1/feedback.pb.h"

namespace tocsin::api {

namespace {

// Like not_accessible(): the same answer whether the item is another tenant's or missing.
grpc::Status item_not_accessible(const std::string& id) {
  return {grpc::StatusCode::PERMISSION_DENIED,
          "feedback item " + id + " is not accessible with this token"};
}

// Proto enums mirror the domain enums shifted by one (0 = UNSPECIFIED = any).
std::string kind_word(v1::SubjectKind k) {
  if (k == v1::SUBJECT_KIND_UNSPECIFIED || !v1::SubjectKind_IsValid(k))
    return {};
  return std::string(domain::to_string(static_cast<domain::subject_kind>(k - 1)));
}

void to_pb(const actors::quality_row& r, v1::QualityScore& out) {
  out.set_kind(static_cast<v1::SubjectKind>(static_cast<int>(r.kind) + 1));
  out.set_id(r.id);
  out.set_score(r.score);
  out.set_items(r.items);
  out.set_negative(r.negative);
  out.set_neutral(r.neutral);
  out.set_positive(r.positive);
  out.set_last_at_unix_nano(static_cast<std::uint64_t>(r.last_at));
}

} // namespace

std::optional<call_scope> feedback_service::admit(grpc::CallbackServerContext* ctx,
                                                  grpc::ServerUnaryReactor* reactor,
                                                  const std::string& tenant) {
  return admit_call(env_, ctx, reactor, tenant, scope::feedback_read,
                    env_.feedback && env_.feedback_topic != nullptr,
                    "feedback is not served by this node");
}

grpc::ServerUnaryReactor* feedback_service::List(grpc::CallbackServerContext* ctx,
                                                 const v1::ListFeedbackRequest* req,
                                                 v1::ListFeedbackResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto scope = admit(ctx, reactor, req->tenant());
  if (!scope)
    return reactor;
  persistence::feedback_filter f;
  f.tenant = scope->tenant;
  f.trace_id = req->trace_id();
  f.artifact_id = req->artifact_id();
  f.agent_id = req->agent_id();
  f.skill_id = req->skill_id();
  if (req->category() != v1::CATEGORY_UNSPECIFIED) {
    if (!v1::Category_IsValid(req->category()) || req->category() > 5) {
      finish(env_, reactor, {grpc::StatusCode::INVALID_ARGUMENT, "category: unknown value"});
      return reactor;
    }
    f.cat = static_cast<domain::category>(req->category() - 1);
  }
  f.page_size = req->page_size();
  f.page_token = req->page_token();
  auto* env = &env_;
  auto job = [env, reactor, resp, f = std::move(f)] {
    auto page = persistence::list_feedback(*env->store, *env->feedback_topic, f);
    if (!page.ok()) {
      finish(*env, reactor, to_status(page.err()));
      return;
    }
    for (const auto& it : page->items)
      persistence::feedback_to_pb(it, *resp->add_items());
    resp->set_next_page_token(page->next_page_token);
    finish(*env, reactor, grpc::Status::OK);
  };
  if (!env_.pool->submit(std::move(job)))
    finish(env_, reactor, {grpc::StatusCode::UNAVAILABLE, "server shutting down"});
  return reactor;
}

grpc::ServerUnaryReactor* feedback_service::Get(grpc::CallbackServerContext* ctx,
                                                const v1::GetFeedbackRequest* req,
                                                v1::FeedbackItem* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto scope = admit(ctx, reactor, req->tenant());
  if (!scope)
    return reactor;
  if (req->id().empty()) {
    finish(env_, reactor, {grpc::StatusCode::INVALID_ARGUMENT, "id is required"});
    return reactor;
  }
  auto* env = &env_;
  auto job = [env, reactor, resp, sc = *scope, id = req->id()] {
    auto it = persistence::get_feedback(*env->store, *env->feedback_topic, id);
    if (!it.ok()) {
      finish(*env, reactor, to_status(it.err()));
      return;
    }
    // Another tenant's item answers like a missing one when the caller cannot see all tenants.
    if (!*it || (*it)->tenant != sc.tenant) {
      finish(*env, reactor,
             sc.hide_existence || *it
               ? item_not_accessible(id)
               : grpc::Status{grpc::StatusCode::NOT_FOUND, "feedback item " + id + " not found"});
      return;
    }
    persistence::feedback_to_pb(**it, *resp);
    finish(*env, reactor, grpc::Status::OK);
  };
  if (!env_.pool->submit(std::move(job)))
    finish(env_, reactor, {grpc::StatusCode::UNAVAILABLE, "server shutting down"});
  return reactor;
}

grpc::ServerUnaryReactor* feedback_service::QualityScores(grpc::CallbackServerContext* ctx,
                                                          const v1::QualityScoresRequest* req,
                                                          v1::QualityScoresResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto scope = admit(ctx, reactor, req->tenant());
  if (!scope)
    return reactor;
  if (!v1::SubjectKind_IsValid(req->kind())) {
    finish(env_, reactor, {grpc::StatusCode::INVALID_ARGUMENT, "kind: unknown value"});
    return reactor;
  }
  auto* env = &env_;
  ask<actors::quality_rows>(
    env_, env_.feedback, time_left(ctx),
    [env, reactor, resp](actors::quality_rows& rows) {
      for (const auto& r : rows)
        to_pb(r, *resp->add_scores());
      finish(*env, reactor, grpc::Status::OK);
    },
    [env, reactor](caf::error& err) { finish(*env, reactor, to_status(err)); },
    actors::quality_atom::value, scope->tenant, kind_word(req->kind()));
  return reactor;
}

} // namespace tocsin::api
