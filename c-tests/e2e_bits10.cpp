// A BITS 10 client, written as Windows code would be, against a real nginx: `e2e_bits10 PORT DIR`
// (nginx serves DIR/www on 127.0.0.1:PORT; /private/ wants Basic credentials alice / "open sesame",
// /tenant/ wants the header `X-Tenant: contoso`). It QIs the job for IBackgroundCopyJob5 and
// IBackgroundCopyJobHttpOptions3, sets properties, custom headers, a redirect policy and
// credentials, ranges and a proxy, and checks each one's effect on the transfer, not only its getter.
#include <bits.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "check.h"
#include "e2e_util.hpp"

namespace {

using e2e::slurp;
using e2e::wide;

// Polls until the job is TRANSFERRED or ERROR (30 s at most).
BG_JOB_STATE wait_end(IBackgroundCopyJob *job) {
    BG_JOB_STATE st = BG_JOB_STATE_QUEUED;
    for (int i = 0; i < 3000; i++) {
        if (job->GetState(&st) != S_OK) break;
        if (st == BG_JOB_STATE_TRANSFERRED || st == BG_JOB_STATE_ERROR) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return st;
}

HRESULT error_code(IBackgroundCopyJob *job) {
    IBackgroundCopyError *err = nullptr;
    BG_ERROR_CONTEXT ctx = BG_ERROR_CONTEXT_NONE;
    HRESULT code = S_OK;
    if (job->GetError(&err) != S_OK) return S_OK;
    err->GetError(&ctx, &code);
    err->Release();
    return code;
}

struct Job {
    IBackgroundCopyJob *job = nullptr;
    IBackgroundCopyJob5 *job5 = nullptr;
    IBackgroundCopyJobHttpOptions3 *http = nullptr;

    Job(IBackgroundCopyManager *mgr, const char16_t *name) {
        GUID id;
        CHECK_HR(mgr->CreateJob(name, BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
        if (!job) return;
        CHECK_HR(job->QueryInterface(IID_IBackgroundCopyJob5, reinterpret_cast<void **>(&job5)), S_OK);
        CHECK_HR(job->QueryInterface(IID_IBackgroundCopyJobHttpOptions3, reinterpret_cast<void **>(&http)), S_OK);
    }
    bool ok() const { return job && job5 && http; }
    ~Job() {
        if (http) CHECK(http->Release() > 0);
        if (job5) CHECK(job5->Release() > 0);
        if (job) CHECK(job->Release() == 0);
    }
};

}  // namespace

int main(int argc, char **argv) {
    if (argc != 3 || std::atoi(argv[1]) <= 0) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    const std::string base = std::string("http://127.0.0.1:") + argv[1], www = std::string(argv[2]) + "/www";
    std::string dest_template = std::string(argv[2]) + "/dest-bits10-XXXXXX";
    std::vector<char> buf(dest_template.begin(), dest_template.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) {
        perror("mkdtemp");
        return 2;
    }
    const std::string dest = buf.data();

    IBackgroundCopyManager *mgr = nullptr;
    CHECK_HR(CoCreateInstance(CLSID_BackgroundCopyManager, nullptr, CLSCTX_LOCAL_SERVER, IID_IBackgroundCopyManager,
                              reinterpret_cast<void **>(&mgr)),
             S_OK);
    if (!mgr) return check_summary("e2e_bits10");

    {
        // 1. Credentials: a 401 without them, the file with them.
        Job j(mgr, u"bits10 credentials");
        if (!j.ok()) return check_summary("e2e_bits10");
        const std::u16string url = wide(base + "/private/secret.bin"), local = wide(dest + "/secret.bin");
        CHECK_HR(j.job->AddFile(url.c_str(), local.c_str()), S_OK);
        BITS_JOB_PROPERTY_VALUE v;
        v.Dword = 0;  // JobModification as often as progress happens
        CHECK_HR(j.job5->SetProperty(BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS, v), S_OK);
        CHECK_HR(j.job->Resume(), S_OK);
        CHECK(wait_end(j.job) == BG_JOB_STATE_ERROR);
        CHECK_HR(error_code(j.job), BG_E_HTTP_ERROR_401);

        std::u16string user = u"alice", pass = u"open sesame";
        BG_AUTH_CREDENTIALS cred;
        cred.Target = BG_AUTH_TARGET_SERVER;
        cred.Scheme = BG_AUTH_SCHEME_BASIC;
        cred.Credentials.Basic.UserName = &user[0];
        cred.Credentials.Basic.Password = &pass[0];
        CHECK_HR(j.job5->SetCredentials(&cred), S_OK);
        cred.Scheme = BG_AUTH_SCHEME_NTLM;
        CHECK_HR(j.job5->SetCredentials(&cred), E_NOTIMPL);
        CHECK_HR(j.job->Resume(), S_OK);
        CHECK(wait_end(j.job) == BG_JOB_STATE_TRANSFERRED);
        CHECK_HR(j.job->Complete(), S_OK);
        CHECK(slurp(dest + "/secret.bin") == slurp(www + "/private/secret.bin"));
        CHECK(slurp(dest + "/secret.bin").size() == 300u << 10);
    }
    {
        // 2. Custom headers: nginx serves /tenant/ only to requests carrying X-Tenant.
        Job j(mgr, u"bits10 headers");
        if (!j.ok()) return check_summary("e2e_bits10");
        const std::u16string url = wide(base + "/tenant/report.bin"), local = wide(dest + "/report.bin");
        CHECK_HR(j.job->AddFile(url.c_str(), local.c_str()), S_OK);
        CHECK_HR(j.http->SetCustomHeaders(u"X-Tenant: contoso\r\nX-Request-Source: e2e_bits10"), S_OK);
        CHECK_HR(j.http->MakeCustomHeadersWriteOnly(), S_OK);
        LPWSTR headers = reinterpret_cast<LPWSTR>(1);
        CHECK_HR(j.http->GetCustomHeaders(&headers), E_ACCESSDENIED);
        CHECK(headers == nullptr);
        ULONG flags = 1;
        CHECK_HR(j.http->GetSecurityFlags(&flags), S_OK);
        CHECK(flags == 0);
        CHECK_HR(j.http->SetSecurityFlags(BG_HTTP_REDIRECT_POLICY_DISALLOW), S_OK);
        CHECK_HR(j.job->Resume(), S_OK);
        CHECK(wait_end(j.job) == BG_JOB_STATE_TRANSFERRED);
        CHECK_HR(j.job->Complete(), S_OK);
        CHECK(slurp(dest + "/report.bin") == slurp(www + "/tenant/report.bin"));
    }
    {
        // 3. Without the header the same file is refused (nginx's 403).
        Job j(mgr, u"bits10 no headers");
        if (!j.ok()) return check_summary("e2e_bits10");
        const std::u16string url = wide(base + "/tenant/report.bin"), local = wide(dest + "/report2.bin");
        CHECK_HR(j.job->AddFile(url.c_str(), local.c_str()), S_OK);
        CHECK_HR(j.job->Resume(), S_OK);
        CHECK(wait_end(j.job) == BG_JOB_STATE_ERROR);
        CHECK_HR(error_code(j.job), BG_E_HTTP_ERROR_403);
        CHECK_HR(j.job->Cancel(), S_OK);
    }
    {
        // 4. MAX_DOWNLOAD_SIZE: a 3 MiB file against a 1 MiB limit fails before it is written.
        Job j(mgr, u"bits10 max size");
        if (!j.ok()) return check_summary("e2e_bits10");
        const std::u16string url = wide(base + "/3MiB.bin"), local = wide(dest + "/big.bin");
        BITS_JOB_PROPERTY_VALUE v;
        v.Uint64 = 1 << 20;
        CHECK_HR(j.job5->SetProperty(BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE, v), S_OK);
        v.Enable = TRUE;
        CHECK_HR(j.job5->SetProperty(BITS_JOB_PROPERTY_HIGH_PERFORMANCE, v), S_OK);
        CHECK_HR(j.job->AddFile(url.c_str(), local.c_str()), S_OK);
        CHECK_HR(j.job5->SetProperty(BITS_JOB_PROPERTY_HIGH_PERFORMANCE, v), BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE);
        CHECK_HR(j.job->Resume(), S_OK);
        CHECK(wait_end(j.job) == BG_JOB_STATE_ERROR);
        CHECK_HR(error_code(j.job), BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED);
        CHECK_HR(j.job->Cancel(), S_OK);
        CHECK(slurp(dest + "/big.bin").empty());
    }
    {
        // 5. AddFileWithRanges against nginx's range support: three pieces, back to back.
        Job j(mgr, u"bits10 ranges");
        if (!j.ok()) return check_summary("e2e_bits10");
        const std::u16string url = wide(base + "/3MiB.bin"), local = wide(dest + "/pieces.bin");
        BG_FILE_RANGE ranges[3] = {{1u << 20, 1000}, {0, 10}, {(3u << 20) - 100, BG_LENGTH_TO_EOF}};
        CHECK_HR(j.job5->AddFileWithRanges(url.c_str(), local.c_str(), 3, ranges), S_OK);
        BG_FILE_RANGE overlapping[2] = {{0, 100}, {50, 10}};
        CHECK_HR(j.job5->AddFileWithRanges(url.c_str(), local.c_str(), 2, overlapping), BG_E_OVERLAPPING_RANGES);
        IEnumBackgroundCopyFiles *files = nullptr;
        IBackgroundCopyFile *file = nullptr;
        IBackgroundCopyFile2 *file2 = nullptr;
        CHECK_HR(j.job->EnumFiles(&files), S_OK);
        if (files) {
            CHECK_HR(files->Next(1, &file, nullptr), S_OK);
            CHECK(files->Release() == 0);
        }
        if (file) {
            CHECK_HR(file->QueryInterface(IID_IBackgroundCopyFile2, reinterpret_cast<void **>(&file2)), S_OK);
            CHECK(file->Release() > 0);
        }
        if (file2) {
            DWORD n = 0;
            BG_FILE_RANGE *got = nullptr;
            CHECK_HR(file2->GetFileRanges(&n, &got), S_OK);
            CHECK(n == 3 && got && got[0].InitialOffset == (1u << 20) && got[2].Length == BG_LENGTH_TO_EOF);
            CoTaskMemFree(got);
            CHECK(file2->Release() == 0);
        }
        CHECK_HR(j.job->Resume(), S_OK);
        CHECK(wait_end(j.job) == BG_JOB_STATE_TRANSFERRED);
        CHECK_HR(j.job->Complete(), S_OK);
        std::vector<char> whole = slurp(www + "/3MiB.bin"), pieces = slurp(dest + "/pieces.bin");
        std::vector<char> expected(whole.begin() + (1 << 20), whole.begin() + (1 << 20) + 1000);
        expected.insert(expected.end(), whole.begin(), whole.begin() + 10);
        expected.insert(expected.end(), whole.end() - 100, whole.end());
        CHECK(whole.size() == 3u << 20);
        CHECK(pieces == expected);
    }
    {
        // 6. SetProxySettings OVERRIDE through the tinyproxy c-tests/run.sh started (E2E_PROXY).
        const char *proxy = std::getenv("E2E_PROXY"), *proxy_log = std::getenv("E2E_PROXY_LOG");
        CHECK(proxy != nullptr && proxy_log != nullptr);
        if (proxy && proxy_log) {
            Job j(mgr, u"bits10 proxy");
            if (!j.ok()) return check_summary("e2e_bits10");
            const std::u16string url = wide(base + "/100KiB.bin"), local = wide(dest + "/proxied.bin");
            const std::u16string list = wide(proxy);
            CHECK_HR(j.job->SetProxySettings(BG_JOB_PROXY_USAGE_OVERRIDE, list.c_str(), nullptr), S_OK);
            CHECK_HR(j.job->AddFile(url.c_str(), local.c_str()), S_OK);
            CHECK_HR(j.job->Resume(), S_OK);
            CHECK(wait_end(j.job) == BG_JOB_STATE_TRANSFERRED);
            CHECK_HR(j.job->Complete(), S_OK);
            CHECK(slurp(dest + "/proxied.bin") == slurp(www + "/100KiB.bin"));
            std::vector<char> log = slurp(proxy_log);
            const std::string seen(log.begin(), log.end()), want = "CONNECT 127.0.0.1:" + std::string(argv[1]);
            CHECK(seen.find(want) != std::string::npos);
        }
    }
    CHECK(mgr->Release() == 0);
    return check_summary("e2e_bits10");
}
