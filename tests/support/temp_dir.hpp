// A fresh directory under /tmp for one test, removed when the test ends. Test-only helper.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace tocsin::test {

class temp_dir {
public:
  explicit temp_dir(const std::string& prefix = "tocsin-test") {
    std::string pattern = "/tmp/" + prefix + "-XXXXXX";
    char* made = ::mkdtemp(pattern.data());
    path_ = made ? made : pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

} // namespace tocsin::test
