// `tocsinctl policy apply -f FILE` and `tocsinctl policy get`. The file is parsed and validated
// here first (config::load_policy_file), so a mistake is reported with file, line and key
// before anything is sent; the server validates again and has the last word.
#include "commands.hpp"

#include "config/policy_yaml.hpp"
#include "persistence/policy_codec.hpp"

#include <iostream>
#include <memory>

namespace tocsinctl {

namespace {

int print_policy(const pb::PolicyResponse& resp, output fmt, bool summary_only) {
  if (fmt == output::json) {
    print(to_json(resp), fmt);
  } else if (fmt == output::yaml) {
    std::cout << policy_yaml(resp);
  } else if (summary_only) {
    const auto& p = resp.policy();
    const auto at = static_cast<std::uint64_t>(resp.applied_at_unix_nano());
    std::cout << "applied policy for tenant " << p.tenant() << " (source " << resp.source()
              << ", at " << format_time(at, true)
              << "): " << p.sla_size() << " SLA(s), " << p.routes_size() << " route(s), "
              << p.channels_size() << " channel(s), " << p.steps_size() << " step(s), "
              << (p.max_repeats() > 0 ? std::to_string(p.max_repeats()) + " repeat(s)"
                                      : std::string{"no repeats"})
              << "\n";
  } else {
    std::cout << policy_table(resp);
  }
  return 0;
}

int apply(client& c, output fmt, const std::string& file) {
  auto parsed = tocsin::config::load_policy_file(file);
  if (!parsed.ok()) {
    std::cerr << "tocsinctl: " << parsed.err().message << "\n";
    return 1;
  }
  const auto& tenant = c.options().tenant;
  if (!tenant.empty() && tenant != parsed->tenant) {
    std::cerr << "tocsinctl: " << file << " is the policy of tenant " << parsed->tenant
              << ", not of --tenant " << tenant << "\n";
    return 2;
  }
  pb::ApplyPolicyRequest req;
  tocsin::persistence::policy_to_pb(*parsed, *req.mutable_policy());
  pb::PolicyResponse resp;
  auto ctx = c.context();
  auto status = c.policies().Apply(ctx.get(), req, &resp);
  if (!status.ok())
    return c.report(status);
  return print_policy(resp, fmt, true);
}

int get(client& c, output fmt) {
  pb::GetPolicyRequest req;
  req.set_tenant(c.options().tenant);
  pb::PolicyResponse resp;
  auto ctx = c.context();
  auto status = c.policies().Get(ctx.get(), req, &resp);
  if (!status.ok())
    return c.report(status);
  return print_policy(resp, fmt, false);
}

} // namespace

void add_policy_commands(CLI::App& app, cli_state& st) {
  auto* policy = app.add_subcommand("policy", "the tenant's escalation policy");
  policy->require_subcommand(1);
  auto* cmd = policy->add_subcommand(
    "apply", "validate a policy file (config/tenants/example-policy.yaml format) and apply it");
  auto file = std::make_shared<std::string>();
  cmd->add_option("-f,--file", *file, "policy YAML file")->required()->check(CLI::ExistingFile);
  cmd->callback([&st, file] {
    st.action = [file](client& c, output fmt) { return apply(c, fmt, *file); };
  });
  policy
    ->add_subcommand("get", "show the policy (secrets as ***); -o yaml prints an appliable file")
    ->callback([&st] { st.action = [](client& c, output fmt) { return get(c, fmt); }; });
}

} // namespace tocsinctl
