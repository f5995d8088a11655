// A tocsin engine in a child process is killed with SIGKILL in the middle of a stream of opens and
// transitions; the parent reopens the same directory and checks that every acknowledged event is
// there, and that List (whose rows were only pending in memory) rebuilt them from the journal.
#include "actors/engine_fixture.hpp"

#include <csignal>
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>

using namespace tocsin;
using tocsin::test::engine_fixture;
using tocsin::test::make_open;

namespace {

// Child: opens incidents and acknowledges them, printing "<id> <version>\n" after each reply.
[[noreturn]] void child_main(const std::string& dir, int out_fd) {
  engine_fixture f;
  ::rmdir(f.dir.path().c_str()); // its own temp dir is unused (and would outlive a SIGKILL)
  f.store_opts.dir = dir;
  f.store_opts.index_flush_entries = 1'000'000; // keep everything in the unflushed tail
  f.store_opts.index_flush_interval = std::chrono::hours{1};
  f.start();
  for (int i = 0;; ++i) {
    auto r = f.eng->open(make_open("crash " + std::to_string(i), domain::severity::high));
    if (!r)
      _exit(3);
    auto line = r->state.id + " 1\n";
    if (i % 2 == 0) {
      auto a = f.eng->execute(r->state.id, domain::acknowledge{"op"});
      if (!a)
        _exit(4);
      line = r->state.id + " 2\n";
    }
    if (::write(out_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      _exit(5);
  }
}

} // namespace

TEST_CASE("SIGKILL mid-stream loses no acknowledged transition; List rebuilds from the journal") {
  engine_fixture f;
  f.store_opts.index_flush_entries = 1'000'000;
  f.store_opts.index_flush_interval = std::chrono::hours{1};
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork(); // no thread runs in this process now: fixtures join theirs on exit
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    child_main(f.dir.path(), fds[1]);
  }
  ::close(fds[1]);
  FILE* in = ::fdopen(fds[0], "r");
  std::map<std::string, std::uint64_t> acked;
  char id[64];
  unsigned long long version = 0;
  while (acked.size() < 300 && std::fscanf(in, "%63s %llu", id, &version) == 2)
    acked[id] = version;
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::fclose(in);
  REQUIRE(acked.size() == 300);
  CHECK(WIFSIGNALED(status));

  f.start();
  for (const auto& [incident, v] : acked) {
    auto view = f.eng->get(incident);
    REQUIRE(view.ok());
    CHECK(view->state.version >= v);
    CHECK(view->history.size() == view->state.version);
  }
  persistence::incident_filter filter;
  filter.tenant = "acme";
  filter.page_size = 1000;
  std::set<std::string> listed;
  for (;;) {
    auto page = f.store->list_incidents(filter);
    REQUIRE(page.ok());
    for (auto& s : page->items)
      listed.insert(s.id);
    if (page->next_page_token.empty())
      break;
    filter.page_token = page->next_page_token;
  }
  for (const auto& [incident, v] : acked)
    CHECK(listed.count(incident) == 1);
}
