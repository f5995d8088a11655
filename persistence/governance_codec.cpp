// Governance hand-off encoding: see governance_codec.hpp.
#include "persistence/governance_codec.hpp"

#include "tocsin/v1/governance.pb.h"

namespace tocsin::persistence {

namespace pb = ::tocsin::v1;

std::string encode_governance(const domain::governance_handoff& h) {
  pb::GovernanceHandoff m;
  m.set_id(h.id);
  m.set_tenant(h.tenant);
  m.set_kind(h.kind);
  m.set_subject(h.subject);
  m.set_summary(h.summary);
  m.set_amount(h.amount);
  m.set_threshold(h.threshold);
  m.set_incident_id(h.incident_id);
  m.set_channel(h.channel);
  m.set_window_start_unix_nano(static_cast<std::uint64_t>(h.window_start));
  m.set_at_unix_nano(static_cast<std::uint64_t>(h.at));
  return m.SerializeAsString();
}

domain::result<domain::governance_handoff> decode_governance(std::string_view bytes) {
  pb::GovernanceHandoff m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || m.id().empty())
    return domain::make_error(domain::errc::corrupt_record,
                              "governance hand-off record does not decode");
  domain::governance_handoff h;
  h.id = m.id();
  h.tenant = m.tenant();
  h.kind = m.kind();
  h.subject = m.subject();
  h.summary = m.summary();
  h.amount = m.amount();
  h.threshold = m.threshold();
  h.incident_id = m.incident_id();
  h.channel = m.channel();
  h.window_start = static_cast<domain::timestamp>(m.window_start_unix_nano());
  h.at = static_cast<domain::timestamp>(m.at_unix_nano());
  return h;
}

} // namespace tocsin::persistence
