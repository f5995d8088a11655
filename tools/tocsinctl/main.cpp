// tocsinctl: the operator CLI of Tocsin (DESIGN.md §9). Exit codes: 0 success, 1 refused by the
// server or server unreachable (one line on stderr), 2 usage error.
#include "commands.hpp"

#include <cstdio>
#include <exception>

namespace {

const char* const examples = R"(Examples:
  tocsinctl incident open --title "checkout latency" --severity high
  tocsinctl incident list --state open --severity critical -o json
  tocsinctl incident get 01JDQ3Z6V8X9K0M2N4P6R8T0W2
  tocsinctl incident ack 01JDQ3Z6V8X9K0M2N4P6R8T0W2 --expected-version 1
  tocsinctl incident mitigate 01JDQ3Z6V8X9K0M2N4P6R8T0W2 -m "rolled back to v41"
  tocsinctl incident resolve 01JDQ3Z6V8X9K0M2N4P6R8T0W2 --root-cause "connection pool exhausted"
  tocsinctl incident note 01JDQ3Z6V8X9K0M2N4P6R8T0W2 "post-mortem on Tuesday"
  tocsinctl events watch --from-beginning -o json
  tocsinctl policy apply -f config/tenants/acme.yaml
  tocsinctl policy get -o yaml > acme.yaml   # secrets show as "***": applying it keeps them
  tocsinctl slo apply -f config/slo/example-slo.yaml
  tocsinctl slo status checkout-availability
  tocsinctl deadletters list
  tocsinctl deadletters show notification/5f0c0e0d8a1b4c2d9e3f4a5b6c7d8e9f -o json
  tocsinctl deadletters list --kind otlp
  tocsinctl deadletters replay otlp/01JDX3M9QK8V6T2R4N7B5C0A1Z
  tocsinctl admin delivery
  tocsinctl feedback list --artifact planner-v3 --category correctness
  tocsinctl feedback get fb-3f1c0e0d8a1b4c2d
  tocsinctl quality list --kind agent -o json
  tocsinctl subscribe feedback --consumer kp --commit --limit 10
  TOCSIN_SERVER=tocsin:7117 TOCSIN_TOKEN=$(cat token) tocsinctl incident list

Exit codes: 0 success, 1 refused by the server (its message is printed) or server unreachable,
2 usage error.
)";

} // namespace

int main(int argc, char** argv) {
  tocsinctl::quiet_grpc();
  tocsinctl::cli_state st;
  CLI::App app{"tocsinctl: drive Tocsin incidents, policies and deliveries over the operator gRPC API"};
  app.footer(examples);
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--server", st.conn.server, "API address host:port")
    ->envname("TOCSIN_SERVER")
    ->capture_default_str();
  app.add_option("--token", st.conn.token, "bearer token")->envname("TOCSIN_TOKEN");
  app.add_option("--tenant", st.conn.tenant, "tenant to act for (service tokens, dev servers)")
    ->envname("TOCSIN_TENANT");
  app.add_flag("--tls", st.conn.tls, "use TLS (system roots unless --ca-cert)");
  app.add_option("--ca-cert", st.conn.ca_cert, "PEM file of the CA that signed the server")
    ->envname("TOCSIN_CA_CERT")
    ->check(CLI::ExistingFile);
  app.add_option("--timeout", st.conn.timeout_s, "seconds to wait for an answer")
    ->capture_default_str()
    ->check(CLI::PositiveNumber);
  app.add_option("-o,--output", st.output_name, "table, json or yaml")
    ->capture_default_str()
    ->check(CLI::IsMember({"table", "json", "yaml"}));
  tocsinctl::add_incident_commands(app, st);
  tocsinctl::add_event_commands(app, st);
  tocsinctl::add_admin_commands(app, st);
  tocsinctl::add_policy_commands(app, st);
  tocsinctl::add_deadletter_commands(app, st);
  tocsinctl::add_slo_commands(app, st);
  tocsinctl::add_feedback_commands(app, st);
  tocsinctl::add_subscribe_command(app, st);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (!st.action)
    return 2;
  try {
    tocsinctl::client c{st.conn};
    auto fmt = st.output_name == "json"   ? tocsinctl::output::json
               : st.output_name == "yaml" ? tocsinctl::output::yaml
                                     : tocsinctl::output::table;
    return st.action(c, fmt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tocsinctl: %s\n", e.what());
    return 1;
  }
}
