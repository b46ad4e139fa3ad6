/* Job5 properties cross the C ABI by value (BITS_JOB_PROPERTY_VALUE is a 16-byte union: DWORD,
 * UINT64 and GUID members all travel in it), HTTP options take and give UTF-16 strings with
 * CoTaskMem ownership, Job2 credentials are read from the caller's struct, and Job3/File2 rename a
 * file's remote. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <bits.h>

#include <stdlib.h>
#include <unistd.h>

#include "check.h"

static const GUID some_clsid = {0x0a1b2c3d, 0x4e5f, 0x6071, {0x82, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8, 0xf9}};

int main(void) {
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *job = NULL;
    IBackgroundCopyJob5 *job5 = NULL;
    IBackgroundCopyJobHttpOptions3 *http = NULL;
    BITS_JOB_PROPERTY_VALUE v;
    LPWSTR headers = NULL;
    ULONG flags = 99;
    GUID id;

    _Static_assert(sizeof(BITS_JOB_PROPERTY_VALUE) == 16, "the union is as wide as a GUID");
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager,
                              (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("job_settings");
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, u"c-settings", BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    CHECK_HR(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob5, (void **)&job5), S_OK);
    CHECK_HR(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJobHttpOptions3, (void **)&http), S_OK);
    if (!job5 || !http) return check_summary("job_settings");

    memset(&v, 0, sizeof v);
    v.Dword = BITS_COST_STATE_TRANSFER_UNRESTRICTED;
    CHECK_HR(IBackgroundCopyJob5_SetProperty(job5, BITS_JOB_PROPERTY_ID_COST_FLAGS, v), S_OK);
    memset(&v, 0xff, sizeof v);
    CHECK_HR(IBackgroundCopyJob5_GetProperty(job5, BITS_JOB_PROPERTY_ID_COST_FLAGS, &v), S_OK);
    CHECK(v.Dword == BITS_COST_STATE_TRANSFER_UNRESTRICTED);

    memset(&v, 0, sizeof v);
    v.Uint64 = 0x123456789ULL;
    CHECK_HR(IBackgroundCopyJob5_SetProperty(job5, BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE, v), S_OK);
    memset(&v, 0, sizeof v);
    CHECK_HR(IBackgroundCopyJob5_GetProperty(job5, BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE, &v), S_OK);
    CHECK(v.Uint64 == 0x123456789ULL);
    v.Uint64 = 0;
    CHECK_HR(IBackgroundCopyJob5_SetProperty(job5, BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE, v),
             BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE);

    v.ClsID = some_clsid;
    CHECK_HR(IBackgroundCopyJob5_SetProperty(job5, BITS_JOB_PROPERTY_NOTIFICATION_CLSID, v), S_OK);
    memset(&v, 0, sizeof v);
    CHECK_HR(IBackgroundCopyJob5_GetProperty(job5, BITS_JOB_PROPERTY_NOTIFICATION_CLSID, &v), S_OK);
    CHECK(memcmp(&v.ClsID, &some_clsid, sizeof some_clsid) == 0);

    CHECK_HR(IBackgroundCopyJob5_SetProperty(job5, (BITS_JOB_PROPERTY_ID)12345, v), BG_E_UNKNOWN_PROPERTY_ID);
    CHECK_HR(IBackgroundCopyJob5_GetProperty(job5, BITS_JOB_PROPERTY_ID_COST_FLAGS, NULL), E_INVALIDARG);

    CHECK_HR(IBackgroundCopyJobHttpOptions3_GetCustomHeaders(http, &headers), S_FALSE);
    CHECK(headers == NULL);
    CHECK_HR(IBackgroundCopyJobHttpOptions3_SetCustomHeaders(http, u"X-One: 1\r\nX-Two: 2"), S_OK);
    CHECK_HR(IBackgroundCopyJobHttpOptions3_GetCustomHeaders(http, &headers), S_OK);
    CHECK(wide_equals(headers, "X-One: 1\r\nX-Two: 2"));
    CoTaskMemFree(headers);
    headers = (LPWSTR)1;
    CHECK_HR(IBackgroundCopyJobHttpOptions3_SetCustomHeaders(http, u"missing colon"), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyJobHttpOptions3_MakeCustomHeadersWriteOnly(http), S_OK);
    CHECK_HR(IBackgroundCopyJobHttpOptions3_GetCustomHeaders(http, &headers), E_ACCESSDENIED);
    CHECK(headers == NULL);

    {
        LPWSTR method = NULL;
        BG_JOB_PRIORITY prio = BG_JOB_PRIORITY_LOW;
        CHECK_HR(IBackgroundCopyJobHttpOptions3_GetHttpMethod(http, &method), S_OK);
        CHECK(wide_equals(method, "GET"));
        CoTaskMemFree(method);
        CHECK_HR(IBackgroundCopyJobHttpOptions3_SetHttpMethod(http, u"not a token"), E_INVALIDARG);
        CHECK_HR(IBackgroundCopyJobHttpOptions3_SetHttpMethod(http, u"BITS_POST"), S_OK);
        CHECK_HR(IBackgroundCopyJobHttpOptions3_GetHttpMethod(http, &method), S_OK);
        CHECK(wide_equals(method, "BITS_POST"));
        CoTaskMemFree(method);
        CHECK_HR(IBackgroundCopyJob_GetPriority(job, &prio), S_OK);
        CHECK(prio == BG_JOB_PRIORITY_FOREGROUND);
        CHECK_HR(IBackgroundCopyJobHttpOptions3_SetHttpMethod(http, u"GET"), S_OK);
    }
    CHECK_HR(IBackgroundCopyJobHttpOptions3_SetSecurityFlags(http, BG_HTTP_REDIRECT_POLICY_DISALLOW), S_OK);
    CHECK_HR(IBackgroundCopyJobHttpOptions3_GetSecurityFlags(http, &flags), S_OK);
    CHECK(flags == BG_HTTP_REDIRECT_POLICY_DISALLOW);
    CHECK_HR(IBackgroundCopyJobHttpOptions3_SetSecurityFlags(http, 0x20), E_INVALIDARG); /* no such BG_SSL bit */
    CHECK_HR(IBackgroundCopyJobHttpOptions3_GetSecurityFlags(http, &flags), S_OK);
    CHECK(flags == BG_HTTP_REDIRECT_POLICY_DISALLOW);
    CHECK_HR(IBackgroundCopyJobHttpOptions3_SetSecurityFlags(http, BG_SSL_IGNORE_UNKNOWN_CA | BG_SSL_ENABLE_CRL_CHECK),
             S_OK);
    CHECK_HR(IBackgroundCopyJobHttpOptions3_GetSecurityFlags(http, &flags), S_OK);
    CHECK(flags == (BG_SSL_IGNORE_UNKNOWN_CA | BG_SSL_ENABLE_CRL_CHECK));

    /* Job2 credentials: the struct is read, its strings copied. */
    {
        WCHAR user[] = u"alice", pass[] = u"secret";
        BG_AUTH_CREDENTIALS cred;
        cred.Target = BG_AUTH_TARGET_SERVER;
        cred.Scheme = BG_AUTH_SCHEME_DIGEST;
        cred.Credentials.Basic.UserName = user;
        cred.Credentials.Basic.Password = pass;
        CHECK_HR(IBackgroundCopyJob5_SetCredentials(job5, &cred), S_OK);
        cred.Scheme = BG_AUTH_SCHEME_NEGOTIATE;
        CHECK_HR(IBackgroundCopyJob5_SetCredentials(job5, &cred), E_NOTIMPL);
        cred.Target = (BG_AUTH_TARGET)3;
        CHECK_HR(IBackgroundCopyJob5_SetCredentials(job5, &cred), BG_E_INVALID_AUTH_TARGET);
        CHECK_HR(IBackgroundCopyJob5_SetCredentials(job5, NULL), E_INVALIDARG);
        CHECK_HR(IBackgroundCopyJob5_RemoveCredentials(job5, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_DIGEST), S_OK);
        CHECK_HR(IBackgroundCopyJob5_RemoveCredentials(job5, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_DIGEST), S_FALSE);
    }

    /* Job3 file ACL flags: POSIX owner/group/mode of local sources. */
    {
        DWORD acl = 99;
        CHECK_HR(IBackgroundCopyJob5_GetFileACLFlags(job5, &acl), S_OK);
        CHECK(acl == 0);
        CHECK_HR(IBackgroundCopyJob5_SetFileACLFlags(job5, BG_COPY_FILE_OWNER | BG_COPY_FILE_DACL), S_OK);
        CHECK_HR(IBackgroundCopyJob5_SetFileACLFlags(job5, 0x100), E_INVALIDARG);
        CHECK_HR(IBackgroundCopyJob5_GetFileACLFlags(job5, &acl), S_OK);
        CHECK(acl == (BG_COPY_FILE_OWNER | BG_COPY_FILE_DACL));
    }

    /* Job3 ReplaceRemotePrefix and File2 SetRemoteName change the names a file is fetched from. */
    {
        char dir[] = "/tmp/deliveryopt-c-settings-XXXXXX";
        WCHAR local[64];
        IEnumBackgroundCopyFiles *files = NULL;
        IBackgroundCopyFile *file = NULL;
        IBackgroundCopyFile2 *file2 = NULL;
        LPWSTR name = NULL;
        size_t i;
        CHECK(mkdtemp(dir) != NULL);
        for (i = 0; dir[i]; i++) local[i] = (WCHAR)dir[i];
        memcpy(&local[i], u"/out", 5 * sizeof(WCHAR));
        CHECK_HR(IBackgroundCopyJob5_AddFile(job5, u"http://127.0.0.1:9/a/file.bin", local), S_OK);
        CHECK_HR(IBackgroundCopyJob5_ReplaceRemotePrefix(job5, u"http://127.0.0.1:9/b/", u"http://127.0.0.1:10/"),
                 S_FALSE);
        CHECK_HR(IBackgroundCopyJob5_ReplaceRemotePrefix(job5, u"http://127.0.0.1:9/a/", u"ftp://x/"), E_INVALIDARG);
        CHECK_HR(IBackgroundCopyJob5_ReplaceRemotePrefix(job5, u"http://127.0.0.1:9/a/", u"http://127.0.0.1:10/c/"),
                 S_OK);
        CHECK_HR(IBackgroundCopyJob5_EnumFiles(job5, &files), S_OK);
        if (files) {
            CHECK_HR(IEnumBackgroundCopyFiles_Next(files, 1, &file, NULL), S_OK);
            CHECK(IEnumBackgroundCopyFiles_Release(files) == 0);
        }
        if (file) {
            CHECK_HR(IBackgroundCopyFile_QueryInterface(file, &IID_IBackgroundCopyFile2, (void **)&file2), S_OK);
            CHECK(IBackgroundCopyFile_Release(file) > 0);
        }
        if (file2) {
            CHECK_HR(IBackgroundCopyFile2_GetRemoteName(file2, &name), S_OK);
            CHECK(wide_equals(name, "http://127.0.0.1:10/c/file.bin"));
            CoTaskMemFree(name);
            CHECK_HR(IBackgroundCopyFile2_SetRemoteName(file2, u"not a url"), E_INVALIDARG);
            CHECK_HR(IBackgroundCopyFile2_SetRemoteName(file2, u"http://127.0.0.1:11/d.bin"), S_OK);
            CHECK_HR(IBackgroundCopyFile2_GetRemoteName(file2, &name), S_OK);
            CHECK(wide_equals(name, "http://127.0.0.1:11/d.bin"));
            CoTaskMemFree(name);
            {
                IBackgroundCopyFile3 *file3 = NULL;
                BOOL valid = TRUE;
                CHECK_HR(IBackgroundCopyFile2_QueryInterface(file2, &IID_IBackgroundCopyFile3, (void **)&file3), S_OK);
                if (file3) {
                    CHECK_HR(IBackgroundCopyFile3_SetValidationState(file3, TRUE), E_PENDING);
                    CHECK_HR(IBackgroundCopyFile3_GetValidationState(file3, &valid), S_OK);
                    CHECK(valid == FALSE);
                    CHECK(IBackgroundCopyFile3_Release(file3) > 0);
                }
            }
            CHECK(IBackgroundCopyFile2_Release(file2) == 0);
        }
        /* Empty: AddFile only names the temporary file; a transfer creates it. */
        CHECK(rmdir(dir) == 0);
        /* Nothing to delete, even with the directory gone. */
        CHECK_HR(IBackgroundCopyJob_Cancel(job), S_OK);
    }

    CHECK(IBackgroundCopyJobHttpOptions3_Release(http) > 0);
    CHECK(IBackgroundCopyJob5_Release(job5) > 0);
    CHECK(IBackgroundCopyJob_Release(job) == 0);
    CHECK(IBackgroundCopyManager_Release(mgr) == 0);
    return check_summary("job_settings");
}
