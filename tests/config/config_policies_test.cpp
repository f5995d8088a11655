// tocsin.yaml's `policies:` list: files relative to the config file, each loaded and validated,
// errors naming the policy file (or the config line) at fault.
#include "config/config.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace tocsin;

namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream out{path};
  out << text;
}

} // namespace

TEST_CASE("policy files listed in the config are loaded relative to it") {
  test::temp_dir dir{"tocsin-config"};
  std::filesystem::create_directories(dir.sub("tenants"));
  write(dir.sub("tenants/acme.yaml"), "tenant: acme\nsla: {high: 2s}\n");
  write(dir.sub("tenants/globex.yaml"), "tenant: globex\n");
  write(dir.sub("tocsin.yaml"), "policies: [tenants/acme.yaml, tenants/globex.yaml]\n");
  auto cfg = config::load_config(dir.sub("tocsin.yaml"));
  REQUIRE(cfg.ok());
  REQUIRE(cfg->policies.size() == 2);
  CHECK(cfg->policies[0].tenant == "acme");
  CHECK(cfg->policies[0].sla.at(domain::severity::high) == 2 * domain::nanos_per_second);
  CHECK(cfg->policies[1].tenant == "globex");
}

TEST_CASE("a bad or missing policy file is refused with the file and key at fault") {
  test::temp_dir dir{"tocsin-config"};
  write(dir.sub("bad.yaml"), "tenant: acme\nsteps:\n  - {delay: -1s}\n");
  write(dir.sub("tocsin.yaml"), "policies: [bad.yaml]\n");
  auto cfg = config::load_config(dir.sub("tocsin.yaml"));
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.err().message.find("bad.yaml") != std::string::npos);
  CHECK(cfg.err().message.find("steps") != std::string::npos);

  write(dir.sub("tocsin.yaml"), "policies: [missing.yaml]\n");
  cfg = config::load_config(dir.sub("tocsin.yaml"));
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.err().message.find("missing.yaml") != std::string::npos);

  write(dir.sub("tocsin.yaml"), "policies: bad.yaml\n");
  cfg = config::load_config(dir.sub("tocsin.yaml"));
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.err().message.find("tocsin.yaml:1: policies") != std::string::npos);

  write(dir.sub("a.yaml"), "tenant: acme\n");
  write(dir.sub("b.yaml"), "tenant: acme\n");
  write(dir.sub("tocsin.yaml"), "policies: [a.yaml, b.yaml]\n");
  cfg = config::load_config(dir.sub("tocsin.yaml"));
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.err().message.find("two files define tenant 'acme'") != std::string::npos);
}
