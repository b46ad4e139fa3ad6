// Helpers shared by the C++ end-to-end tests: ASCII to UTF-16, and a whole file's bytes.
#ifndef DELIVERYOPT_TEST_E2E_UTIL_HPP
#define DELIVERYOPT_TEST_E2E_UTIL_HPP

#include <fstream>
#include <string>
#include <vector>

namespace e2e {

// ASCII text as the UTF-16 the library takes (cast the c_str() to LPCWSTR).
inline std::u16string wide(const std::string &s) { return std::u16string(s.begin(), s.end()); }

// The bytes of a file; empty when it cannot be read.
inline std::vector<char> slurp(const std::string &path) {
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    if (!f) return {};
    std::vector<char> data(static_cast<size_t>(f.tellg()));
    f.seekg(0);
    f.read(data.data(), static_cast<std::streamsize>(data.size()));
    return data;
}

}  // namespace e2e

#endif
