/* Job5 properties cross the C ABI by value (BITS_JOB_PROPERTY_VALUE is a 16-byte union: DWORD,
 * UINT64 and GUID members all travel in it), and HTTP options take and give UTF-16 strings with
 * CoTaskMem ownership. */
#include <bits.h>

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

    CHECK_HR(IBackgroundCopyJobHttpOptions3_SetSecurityFlags(http, BG_HTTP_REDIRECT_POLICY_DISALLOW), S_OK);
    CHECK_HR(IBackgroundCopyJobHttpOptions3_GetSecurityFlags(http, &flags), S_OK);
    CHECK(flags == BG_HTTP_REDIRECT_POLICY_DISALLOW);
    CHECK_HR(IBackgroundCopyJobHttpOptions3_SetSecurityFlags(http, BG_SSL_IGNORE_UNKNOWN_CA), E_NOTIMPL);

    CHECK(IBackgroundCopyJobHttpOptions3_Release(http) > 0);
    CHECK(IBackgroundCopyJob5_Release(job5) > 0);
    CHECK_HR(IBackgroundCopyJob_Cancel(job), S_OK);
    CHECK(IBackgroundCopyJob_Release(job) == 0);
    CHECK(IBackgroundCopyManager_Release(mgr) == 0);
    return check_summary("job_settings");
}
