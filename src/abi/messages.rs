//! English message text for every HRESULT the library knows, and for the BITS error contexts.
//!
//! The texts are written for this library (they paraphrase the meanings in `spec/errors.md`; they
//! are not Microsoft's message-table strings). Each one says what went wrong and, where there is
//! something to do about it, what to do. `GetErrorDescription` / `GetErrorContextDescription` build
//! on [`message_owned`] and [`context_description`].
//!
//! [`message`] covers every constant in `hresult.rs`, the Win32 and WinHTTP errors of `types.rs`
//! as `HRESULT_FROM_WIN32` codes, the redirect-refusal codes the BITS docs name, and the four
//! catch-all `HTTP_E_STATUS_*` codes. [`message_owned`] adds formatted text for unnamed HTTP statuses
//! (`0x80190000 | status`) and for any other `0x8007xxxx` code.

use super::bits_types::*;
use super::hresult::*;
use super::types::{
    hresult_from_win32, ERROR_ALREADY_EXISTS, ERROR_ALREADY_INITIALIZED, ERROR_BUSY, ERROR_DIRECTORY, ERROR_DISK_FULL,
    ERROR_FILENAME_EXCED_RANGE, ERROR_FILE_EXISTS, ERROR_FILE_NOT_FOUND, ERROR_HANDLE_DISK_FULL, ERROR_INVALID_NAME,
    ERROR_LOCK_VIOLATION, ERROR_NOT_ENOUGH_MEMORY, ERROR_PATH_NOT_FOUND, ERROR_READ_FAULT,
    ERROR_RESOURCE_LANG_NOT_FOUND, ERROR_REVISION_MISMATCH, ERROR_SERVICE_DISABLED, ERROR_SHARING_VIOLATION,
    ERROR_WINHTTP_CANNOT_CONNECT, ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED,
    ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY, ERROR_WINHTTP_CONNECTION_ERROR,
    ERROR_WINHTTP_INVALID_SERVER_RESPONSE, ERROR_WINHTTP_NAME_NOT_RESOLVED, ERROR_WINHTTP_REDIRECT_FAILED,
    ERROR_WINHTTP_SECURE_CERT_CN_INVALID, ERROR_WINHTTP_SECURE_CERT_DATE_INVALID, ERROR_WINHTTP_SECURE_CERT_REVOKED,
    ERROR_WINHTTP_SECURE_CERT_REV_FAILED, ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE, ERROR_WINHTTP_SECURE_FAILURE,
    ERROR_WINHTTP_SECURE_INVALID_CA, ERROR_WINHTTP_SECURE_INVALID_CERT, ERROR_WINHTTP_TIMEOUT, ERROR_WRITE_FAULT,
    HRESULT,
};

// ---- HRESULT_FROM_WIN32 forms of the Win32 / WinHTTP errors in `types.rs` ----
// ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER and ERROR_NOT_FOUND are left out: their HRESULTs are
// E_ACCESSDENIED, E_INVALIDARG and E_NOT_SET, which already have arms below.

const HR_FILE_NOT_FOUND: HRESULT = hresult_from_win32(ERROR_FILE_NOT_FOUND);
const HR_PATH_NOT_FOUND: HRESULT = hresult_from_win32(ERROR_PATH_NOT_FOUND);
const HR_NOT_ENOUGH_MEMORY: HRESULT = hresult_from_win32(ERROR_NOT_ENOUGH_MEMORY);
const HR_WRITE_FAULT: HRESULT = hresult_from_win32(ERROR_WRITE_FAULT);
const HR_READ_FAULT: HRESULT = hresult_from_win32(ERROR_READ_FAULT);
const HR_SHARING_VIOLATION: HRESULT = hresult_from_win32(ERROR_SHARING_VIOLATION);
const HR_LOCK_VIOLATION: HRESULT = hresult_from_win32(ERROR_LOCK_VIOLATION);
const HR_HANDLE_DISK_FULL: HRESULT = hresult_from_win32(ERROR_HANDLE_DISK_FULL);
const HR_FILE_EXISTS: HRESULT = hresult_from_win32(ERROR_FILE_EXISTS);
const HR_DISK_FULL: HRESULT = hresult_from_win32(ERROR_DISK_FULL);
const HR_INVALID_NAME: HRESULT = hresult_from_win32(ERROR_INVALID_NAME);
const HR_BUSY: HRESULT = hresult_from_win32(ERROR_BUSY);
const HR_ALREADY_EXISTS: HRESULT = hresult_from_win32(ERROR_ALREADY_EXISTS);
const HR_FILENAME_EXCED_RANGE: HRESULT = hresult_from_win32(ERROR_FILENAME_EXCED_RANGE);
const HR_DIRECTORY: HRESULT = hresult_from_win32(ERROR_DIRECTORY);
const HR_SERVICE_DISABLED: HRESULT = hresult_from_win32(ERROR_SERVICE_DISABLED);
const HR_RESOURCE_LANG_NOT_FOUND: HRESULT = hresult_from_win32(ERROR_RESOURCE_LANG_NOT_FOUND);
/// ERROR_MR_MID_NOT_FOUND (317): no message text exists for a message number.
const HR_MR_MID_NOT_FOUND: HRESULT = hresult_from_win32(317);
const HR_ALREADY_INITIALIZED: HRESULT = hresult_from_win32(ERROR_ALREADY_INITIALIZED);
const HR_REVISION_MISMATCH: HRESULT = hresult_from_win32(ERROR_REVISION_MISMATCH);

const HR_WINHTTP_TIMEOUT: HRESULT = hresult_from_win32(ERROR_WINHTTP_TIMEOUT);
const HR_WINHTTP_NAME_NOT_RESOLVED: HRESULT = hresult_from_win32(ERROR_WINHTTP_NAME_NOT_RESOLVED);
const HR_WINHTTP_CANNOT_CONNECT: HRESULT = hresult_from_win32(ERROR_WINHTTP_CANNOT_CONNECT);
const HR_WINHTTP_CONNECTION_ERROR: HRESULT = hresult_from_win32(ERROR_WINHTTP_CONNECTION_ERROR);
const HR_WINHTTP_CLIENT_AUTH_CERT_NEEDED: HRESULT = hresult_from_win32(ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED);
const HR_WINHTTP_SECURE_CERT_DATE_INVALID: HRESULT = hresult_from_win32(ERROR_WINHTTP_SECURE_CERT_DATE_INVALID);
const HR_WINHTTP_SECURE_CERT_CN_INVALID: HRESULT = hresult_from_win32(ERROR_WINHTTP_SECURE_CERT_CN_INVALID);
const HR_WINHTTP_SECURE_INVALID_CA: HRESULT = hresult_from_win32(ERROR_WINHTTP_SECURE_INVALID_CA);
const HR_WINHTTP_SECURE_CERT_REV_FAILED: HRESULT = hresult_from_win32(ERROR_WINHTTP_SECURE_CERT_REV_FAILED);
const HR_WINHTTP_SECURE_FAILURE: HRESULT = hresult_from_win32(ERROR_WINHTTP_SECURE_FAILURE);
const HR_WINHTTP_SECURE_CERT_REVOKED: HRESULT = hresult_from_win32(ERROR_WINHTTP_SECURE_CERT_REVOKED);
const HR_WINHTTP_SECURE_CERT_WRONG_USAGE: HRESULT = hresult_from_win32(ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE);
const HR_WINHTTP_SECURE_INVALID_CERT: HRESULT = hresult_from_win32(ERROR_WINHTTP_SECURE_INVALID_CERT);
const HR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY: HRESULT =
    hresult_from_win32(ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY);
const HR_WINHTTP_INVALID_SERVER_RESPONSE: HRESULT = hresult_from_win32(ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
const HR_WINHTTP_REDIRECT_FAILED: HRESULT = hresult_from_win32(ERROR_WINHTTP_REDIRECT_FAILED);

// ---- Redirect refused under BG_HTTP_REDIRECT_POLICY_DISALLOW ----
// The BITS docs give these as HRESULT_FROM_WIN32(HTTP_STATUS_xxx) (errors.md §1 and §2.1).

const HR_REDIRECT_300: HRESULT = hresult_from_win32(300);
const HR_REDIRECT_301: HRESULT = hresult_from_win32(301);
const HR_REDIRECT_302: HRESULT = hresult_from_win32(302);
const HR_REDIRECT_303: HRESULT = hresult_from_win32(303);
const HR_REDIRECT_307: HRESULT = hresult_from_win32(307);
const HR_REDIRECT_308: HRESULT = hresult_from_win32(308);

// ---- winerror.h catch-all FACILITY_HTTP codes that no single status produces (errors.md §1) ----

const HTTP_E_STATUS_UNEXPECTED: HRESULT = 0x8019_0001_u32 as HRESULT;
const HTTP_E_STATUS_UNEXPECTED_REDIRECTION: HRESULT = 0x8019_0003_u32 as HRESULT;
const HTTP_E_STATUS_UNEXPECTED_CLIENT_ERROR: HRESULT = 0x8019_0004_u32 as HRESULT;
const HTTP_E_STATUS_UNEXPECTED_SERVER_ERROR: HRESULT = 0x8019_0005_u32 as HRESULT;

/// Wraps the text of a Delivery Optimization core / peer-to-peer error (zone 0x68xx).
macro_rules! p2p {
    ($s:literal) => {
        concat!(
            "Delivery Optimization peer-to-peer error: ",
            $s,
            " Start the download again if it does not recover by itself."
        )
    };
}

/// English text for `hr`, or `None` if the library has no text for it.
///
/// Returns `Some` for every constant in [`super::hresult`]; for HTTP statuses without a named
/// constant and for unlisted `0x8007xxxx` codes use [`message_owned`].
pub fn message(hr: HRESULT) -> Option<&'static str> {
    let text = match hr {
        // ---- Generic COM / Win32 ----
        S_OK => "The operation completed successfully.",
        S_FALSE => {
            "The operation succeeded but did less than asked, for example an enumerator returned \
             fewer items than requested or there was nothing to remove or replace."
        }
        E_NOTIMPL => {
            "The value or operation is not supported here: an enumeration value is out of range, \
             or the method does not apply to this job type. Check the argument and the job type."
        }
        E_NOINTERFACE => {
            "The object does not support the requested interface. Check the interface ID or the \
             object that was passed in."
        }
        E_POINTER => "A required output pointer was NULL. Pass a valid pointer.",
        E_ABORT => "The operation was aborted before it could finish.",
        E_FAIL => {
            "The operation failed for an unspecified reason. Retry it; if it keeps failing, look at \
             the job's error details."
        }
        E_UNEXPECTED => {
            "An unexpected internal failure occurred. Retry the operation, and report a bug if it \
             keeps happening."
        }
        E_PENDING => {
            "The result is not available yet because the operation has not finished. Wait until \
             the file has finished transferring, then try again."
        }
        E_ACCESSDENIED => {
            "Access was denied. The caller does not own the job, lacks administrator rights, or \
             may not write to the destination folder; check ownership and permissions."
        }
        E_HANDLE => "An invalid handle was used. The object may already have been released.",
        E_OUTOFMEMORY => "There was not enough memory to complete the operation. Free some memory and try again.",
        E_INVALIDARG => {
            "An argument is invalid: it may be NULL, too long, a relative path, a URL with an \
             unsupported scheme, or out of range. Correct the argument and try again."
        }
        E_NOT_SET => {
            "The item was not found; for a download property, the property has never been set. \
             Set the property first, or treat it as unset."
        }
        CO_E_NOT_SUPPORTED => "The object does not support this operation.",
        CLASS_E_NOAGGREGATION => "This class cannot be created as part of an aggregate. Pass NULL as the outer object.",
        CO_E_SERVER_EXEC_FAILURE => {
            "The transfer service could not start: its program (deliveryoptd) was not found or \
             failed, or another process is using this user's job store. Try again, or see the \
             service's log in its runtime directory."
        }
        RPC_S_SERVER_UNAVAILABLE => {
            "The connection to the transfer service was lost during the call; the call may or may \
             not have taken effect. The next call starts the service again."
        }
        REGDB_E_CLASSNOTREG => {
            "The requested class is not available in this library (for example a newer BITS \
             version than it implements). Check the CLSID."
        }
        CRYPT_E_NOT_FOUND => {
            "The certificate was not found in the certificate store. Check the store location, \
             store name and the certificate's hash or subject name."
        }
        RPC_X_NULL_REF_POINTER => {
            "NULL was passed for a parameter that must point to data. Supply a valid pointer for \
             every required parameter."
        }
        RPC_X_BAD_STUB_DATA => {
            "The data passed in is malformed or has the wrong size (for example a certificate \
             hash that is not 20 bytes), or no client certificate has been set."
        }
        CO_E_FAILEDTOIMPERSONATE => {
            "The caller could not be impersonated, so the helper token could not be set. Allow \
             impersonation in the caller's COM security settings and try again."
        }
        INET_E_INVALID_URL => "The URL is malformed. Check its scheme, host and path, and set it again.",

        // ---- BITS (facility 0x20) ----
        BG_E_NOT_FOUND => {
            "No job with this ID exists, or you are not allowed to see it. Check the ID; completed \
             and cancelled jobs are removed from the queue."
        }
        BG_E_INVALID_STATE => {
            "The job's current state does not allow this operation; a completed or cancelled job \
             can no longer be changed. Check the job state first."
        }
        BG_E_EMPTY => {
            "The job contains no files, so it cannot be resumed. Add at least one file, then \
             resume the job."
        }
        BG_E_FILE_NOT_AVAILABLE => "No file is associated with this error; it did not involve a particular file.",
        BG_E_PROTOCOL_NOT_AVAILABLE => {
            "No transfer protocol is associated with this error; it happened outside a network \
             transfer."
        }
        BG_S_ERROR_CONTEXT_NONE => "No error has occurred.",
        BG_E_ERROR_CONTEXT_UNKNOWN => {
            "The source of the error could not be determined. Use the error code to find out more."
        }
        BG_E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER => {
            "The error occurred in the transfer service's job management. Retry the operation; if \
             it persists, restart the service."
        }
        BG_E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION => {
            "The error occurred while the application was being notified about the job (a \
             callback or notification command failed). The notification is retried later."
        }
        BG_E_ERROR_CONTEXT_LOCAL_FILE => {
            "The error occurred while the local file was being processed. Check the destination \
             path, its permissions and free disk space."
        }
        BG_E_ERROR_CONTEXT_REMOTE_FILE => {
            "The error occurred while the remote file was being accessed. Check the URL, that the \
             file exists on the server, and the credentials."
        }
        BG_E_ERROR_CONTEXT_GENERAL_TRANSPORT => {
            "The error occurred in the network transport. Check the network connection and the \
             proxy settings."
        }
        BG_E_ERROR_CONTEXT_REMOTE_APPLICATION => {
            "The error was reported by the server application that processes uploaded files. \
             Check that application's logs."
        }
        BG_E_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK => {
            "The error occurred in the application's server certificate validation callback, \
             which failed or rejected the certificate. Check the callback and the server's \
             certificate."
        }
        BG_E_DESTINATION_LOCKED => {
            "The destination volume is locked (for example by a disk check). The transfer \
             continues automatically once the volume is available again."
        }
        BG_E_VOLUME_CHANGED => {
            "The destination volume was replaced by a different one (for example removable media \
             was swapped). Put the original volume back or change the destination, then resume \
             the job."
        }
        BG_E_ERROR_INFORMATION_UNAVAILABLE => "There is no error to report: the job is not in an error state.",
        BG_E_NETWORK_DISCONNECTED => {
            "No network connection is available. The job waits and continues automatically when \
             the network is back."
        }
        BG_E_MISSING_FILE_SIZE => {
            "The server did not report the file's size (no Content-Length), which usually means \
             the content is generated on the fly. Use a URL that serves a static file."
        }
        BG_E_INSUFFICIENT_HTTP_SUPPORT => {
            "The server does not support HTTP/1.1, which the transfer requires. Use a server that \
             supports HTTP/1.1."
        }
        BG_E_INSUFFICIENT_RANGE_SUPPORT => {
            "The server, or a proxy in between, does not support byte-range requests, which the \
             transfer needs. Use another server or bypass the proxy."
        }
        BG_E_REMOTE_NOT_SUPPORTED => {
            "The transfer service cannot be managed remotely. Run the program on the machine that \
             holds the jobs."
        }
        BG_E_NEW_OWNER_DIFF_MAPPING => {
            "The new owner's drive mappings differ from the previous owner's, so the job's paths \
             would point elsewhere. Use UNC paths instead of mapped drive letters."
        }
        BG_E_NEW_OWNER_NO_FILE_ACCESS => {
            "The new owner cannot access the job's local or remote files. Give the new owner \
             access to them before taking ownership."
        }
        BG_S_PARTIAL_COMPLETE => {
            "The job was completed, but only some of its files had finished transferring; the \
             unfinished files were removed."
        }
        BG_E_PROXY_LIST_TOO_LARGE => "The proxy list is too long. Shorten it and set it again.",
        BG_E_PROXY_BYPASS_LIST_TOO_LARGE => "The proxy bypass list is too long. Shorten it and set it again.",
        BG_S_UNABLE_TO_DELETE_FILES => {
            "The operation succeeded, but some temporary files could not be deleted. You can \
             remove them by hand."
        }
        BG_E_INVALID_SERVER_RESPONSE => {
            "The server's response broke the protocol (for example it merged the requested byte \
             ranges). Check the server or proxy configuration."
        }
        BG_E_TOO_MANY_FILES => {
            "An upload job holds exactly one file, and this job already has it. Create another job \
             for the next file."
        }
        BG_E_LOCAL_FILE_CHANGED => {
            "The local file changed while it was being uploaded. Create a new upload job once the \
             file is no longer changing."
        }
        BG_E_SESSION_NOT_FOUND => {
            "The server no longer knows the upload session (it may have expired). The upload is \
             retried automatically."
        }
        BG_E_TOO_LARGE => {
            "The data is too large: the server refused an upload of this size, or the reply is \
             bigger than the 1 MB that GetReplyData returns. Reduce the size or raise the server's \
             limit."
        }
        BG_E_STRING_TOO_LONG => "A string argument is longer than allowed. Shorten it and try again.",
        BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH => {
            "The client and the server could not agree on an upload protocol. Check that the \
             server's upload extension is installed and up to date."
        }
        BG_E_SERVER_EXECUTE_ENABLE => {
            "The server refuses uploads because the target directory allows scripts or programs \
             to run. Turn off script and execute permissions on the upload directory."
        }
        BG_E_NO_PROGRESS => {
            "The job is not making progress, which suggests a server misconfiguration. It is \
             retried automatically; check the server if the problem continues."
        }
        BG_E_USERNAME_TOO_LARGE => "The user name is too long (at most 300 characters). Use a shorter user name.",
        BG_E_PASSWORD_TOO_LARGE => {
            "The password is too long (the limit is about 65,535 characters). Use a shorter \
             password."
        }
        BG_E_INVALID_AUTH_TARGET => {
            "The authentication target is not a valid BG_AUTH_TARGET value. Use SERVER or PROXY."
        }
        BG_E_INVALID_AUTH_SCHEME => {
            "The authentication scheme is not a valid BG_AUTH_SCHEME value. Use BASIC, DIGEST, \
             NTLM, NEGOTIATE or PASSPORT."
        }
        BG_E_FILE_NOT_FOUND => "The named file is not part of this job. Check the name against the job's file list.",
        BG_S_PROXY_CHANGED => "The operation succeeded and the proxy was changed.",
        BG_E_INVALID_RANGE => {
            "A byte range is invalid or lies beyond the end of the remote file. Check the offsets \
             and lengths."
        }
        BG_E_OVERLAPPING_RANGES => "Two or more byte ranges are duplicates or overlap. Merge them and try again.",
        BG_E_CONNECT_FAILURE => {
            "No connection to the server could be made. Check the host name, port, firewall and \
             proxy settings; the job retries automatically."
        }
        BG_E_CONNECTION_CLOSED => {
            "The connection was closed before the transfer finished. The job retries automatically."
        }
        BG_E_BLOCKED_BY_POLICY => {
            "An administrator policy currently forbids background transfers (for example a \
             bandwidth limit of zero for this time of day). The job continues when the policy \
             allows it."
        }
        BG_E_INVALID_PROXY_INFO => {
            "The proxy list or proxy bypass list is invalid. Correct it with SetProxySettings and \
             resume the job."
        }
        BG_E_INVALID_CREDENTIALS => {
            "The credentials are not in a valid format. Check the user name and password and set \
             them again."
        }
        BG_E_INVALID_HASH_ALGORITHM => "The hash algorithm is not supported for peer caching.",
        BG_E_RECORD_DELETED => "The peer cache record has been deleted.",
        BG_E_COMMIT_IN_PROGRESS => "The peer cache record is being updated by another thread. Try again later.",
        BG_E_DISCOVERY_IN_PROGRESS => "Peer discovery is already running. Wait for it to finish.",
        BG_E_UPNP_ERROR => {
            "The Internet gateway device (UPnP) reported an error, so the network bandwidth could \
             not be measured through it."
        }
        BG_E_TEST_OPTION_BLOCKED_DOWNLOAD => {
            "A test setting of the transfer service blocked the download. Remove the test setting."
        }
        BG_E_PEERCACHING_DISABLED => "Peer caching is turned off. Enable it in the settings or policy to use it.",
        BG_E_BUSYCACHERECORD => "The peer cache record is in use. Try again later.",
        BG_E_TOO_MANY_JOBS_PER_USER => {
            "You have reached the maximum number of jobs per user (60 by default). Complete or \
             cancel some jobs first."
        }
        BG_E_TOO_MANY_JOBS_PER_MACHINE => {
            "This computer has reached the maximum number of jobs (300 by default). Complete or \
             cancel some jobs first."
        }
        BG_E_TOO_MANY_FILES_IN_JOB => {
            "The job already holds the maximum number of files (200 by default). Put further \
             files in another job."
        }
        BG_E_TOO_MANY_RANGES_IN_FILE => "The file has too many byte ranges (500 by default). Use fewer, larger ranges.",
        BG_E_VALIDATION_FAILED => {
            "The content downloaded from the origin server was marked as invalid. Check the file \
             on the server, then cancel the job or correct its URL."
        }
        BG_E_MAXDOWNLOAD_TIMEOUT => {
            "The job did not finish within its maximum download time. Raise the limit with \
             SetMaximumDownloadTime, or cancel the job."
        }
        BG_S_OVERRIDDEN_BY_POLICY => "The setting was saved, but an administrator policy currently overrides it.",
        BG_E_TOKEN_REQUIRED => {
            "The job needs a helper token that is not available. Set one with SetHelperToken and \
             resume the job."
        }
        BG_E_UNKNOWN_PROPERTY_ID => {
            "The job property ID is not recognized. Use one of the BITS_JOB_PROPERTY_ID values."
        }
        BG_E_READ_ONLY_PROPERTY => "This job property is read-only and cannot be set.",
        BG_E_BLOCKED_BY_COST_TRANSFER_POLICY => {
            "The job's cost policy does not allow transfers on the current network (for example \
             a metered or roaming connection). It continues on a suitable network, or change the \
             policy."
        }
        BG_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY => "This property can be set only on download jobs.",
        BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE => {
            "This property cannot be changed once files have been added to the job. Set it before \
             adding files."
        }
        BG_E_READ_ONLY_PROPERTY_AFTER_RESUME => {
            "This property cannot be changed once the job has been resumed. Set it before the \
             first Resume."
        }
        BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE => {
            "The maximum download size must be greater than zero. Pass a value of at least 1 byte."
        }
        BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED => {
            "The download is larger than the job's maximum download size. Raise the limit or \
             download a smaller file."
        }
        BG_E_STANDBY_MODE => {
            "The transfer is paused because the system is in standby or power-saving mode. It \
             continues when the system wakes up."
        }
        BG_E_USE_STORED_CREDENTIALS_NOT_SUPPORTED => {
            "Stored credentials can be used only to authenticate to a proxy. Use \
             BG_AUTH_TARGET_PROXY."
        }
        BG_E_BLOCKED_BY_BATTERY_POLICY => {
            "The transfer is paused because the computer is running on battery. It continues when \
             the computer is plugged in."
        }
        BG_E_BLOCKED_BY_BATTERY_SAVER => {
            "The transfer is paused because battery saver is on. It continues when battery saver \
             is turned off."
        }
        BG_E_WATCHDOG_TIMEOUT => {
            "An internal operation of the transfer service took too long and was stopped. Retry \
             the operation."
        }
        BG_E_APP_PACKAGE_NOT_FOUND => "No application package matches the job's owner or the caller.",
        BG_E_APP_PACKAGE_SCENARIO_NOT_SUPPORTED => "Jobs for packaged applications are not supported on this device.",
        BG_E_DATABASE_CORRUPT => {
            "The service's saved job data is corrupt. The service stops and repairs it when it \
             restarts; jobs may have to be created again."
        }
        BG_E_RANDOM_ACCESS_NOT_SUPPORTED => {
            "Random access to the file while it downloads is not supported for this job or \
             server. Download the file sequentially instead."
        }
        BG_E_BLOCKED_BY_BACKGROUND_ACCESS_POLICY => {
            "The owning application may not run in the background, so the transfer is paused. \
             Allow background activity for it."
        }
        BG_E_BLOCKED_BY_GAME_MODE => {
            "The transfer is paused because another application is using game mode. It continues \
             when game mode ends."
        }
        BG_E_BLOCKED_BY_SYSTEM_POLICY => {
            "The transfer is paused because system resources are constrained. It continues when \
             resources become available."
        }
        BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD => {
            "This operation cannot be used on a job that sends a custom HTTP method."
        }
        BG_E_UNSUPPORTED_JOB_CONFIGURATION => {
            "The job's configuration does not allow the requested operation. Change the job's \
             settings or use another job."
        }
        BG_E_REMOTE_FILE_CHANGED => {
            "The remote file changed while it was being downloaded. Resume the job to download it \
             again."
        }
        BG_E_SERVER_CERT_VALIDATION_INTERFACE_REQUIRED => {
            "The job needs a server certificate validation callback, but none is registered (for \
             example after a restart). Register the callback again and resume the job."
        }
        BG_E_READ_ONLY_WHEN_JOB_ACTIVE => {
            "This can be changed only while the job is suspended, in error, or transferred. \
             Suspend the job first."
        }

        // ---- HTTP statuses reported by BITS (0x80190000 | status) ----
        BG_E_HTTP_ERROR_100 => {
            "The server answered with HTTP 100 (Continue) where a final response was expected. \
             Retry; if it persists, check the server."
        }
        BG_E_HTTP_ERROR_101 => {
            "The server tried to switch protocols (HTTP 101). The transfer needs a plain HTTP \
             response; check the URL."
        }
        BG_E_HTTP_ERROR_200 => {
            "The server returned HTTP 200 (OK) where another response was required, for example \
             the whole file instead of the requested range. Check the server's range support."
        }
        BG_E_HTTP_ERROR_201 => {
            "The server returned HTTP 201 (Created) unexpectedly. Check that the URL points to a \
             file."
        }
        BG_E_HTTP_ERROR_202 => {
            "The server accepted the request but has not processed it yet (HTTP 202). Try again \
             later."
        }
        BG_E_HTTP_ERROR_203 => {
            "The server returned HTTP 203 (non-authoritative information), which cannot be used \
             for the transfer. Check any proxy between you and the server."
        }
        BG_E_HTTP_ERROR_204 => "The server returned no content (HTTP 204). Check that the URL points to a file.",
        BG_E_HTTP_ERROR_205 => "The server returned HTTP 205 (Reset Content) unexpectedly. Check the URL.",
        BG_E_HTTP_ERROR_206 => {
            "The server returned a partial response (HTTP 206) that did not match the request. \
             Check the server's range support."
        }
        BG_E_HTTP_ERROR_300 => {
            "The resource has several representations (HTTP 300) and none could be chosen. Use \
             the URL of one specific file."
        }
        BG_E_HTTP_ERROR_301 => {
            "The file has moved permanently (HTTP 301). Give the job the new URL with \
             SetRemoteName and resume it."
        }
        BG_E_HTTP_ERROR_302 => {
            "The file is temporarily at another location (HTTP 302) and the redirect was not \
             followed. Check the job's redirect policy or use the final URL."
        }
        BG_E_HTTP_ERROR_303 => {
            "The server pointed the request at another resource (HTTP 303) and the redirect was \
             not followed. Use the target URL directly."
        }
        BG_E_HTTP_ERROR_304 => {
            "The server reported the file as unchanged (HTTP 304) when content was expected. \
             Resume the job to request it again."
        }
        BG_E_HTTP_ERROR_305 => {
            "The file must be fetched through a proxy (HTTP 305). Configure the proxy with \
             SetProxySettings."
        }
        BG_E_HTTP_ERROR_307 => {
            "The server asked for the request to be repeated at another URL (HTTP 307) and the \
             redirect was not followed. Check the job's redirect policy or use that URL."
        }
        BG_E_HTTP_ERROR_400 => {
            "The server could not understand the request (HTTP 400). Check the URL and any custom \
             headers."
        }
        BG_E_HTTP_ERROR_401 => {
            "The server requires authentication (HTTP 401). Set server credentials with \
             SetCredentials and resume the job."
        }
        BG_E_HTTP_ERROR_402 => "The server requires payment before it serves the file (HTTP 402).",
        BG_E_HTTP_ERROR_403 => {
            "The server refused access to the file (HTTP 403). Check that your account is allowed \
             to read it."
        }
        BG_E_HTTP_ERROR_404 => {
            "The server could not find the requested file (HTTP 404). Check the URL, or fix it \
             with SetRemoteName and resume the job."
        }
        BG_E_HTTP_ERROR_405 => {
            "The server does not allow this HTTP method for the URL (HTTP 405). Check the URL and \
             the job's HTTP method."
        }
        BG_E_HTTP_ERROR_406 => {
            "The server cannot return the file in an acceptable form (HTTP 406). Check the request \
             headers."
        }
        BG_E_HTTP_ERROR_407 => {
            "The proxy requires authentication (HTTP 407). Set proxy credentials with \
             SetCredentials and resume the job."
        }
        BG_E_HTTP_ERROR_408 => {
            "The server timed out waiting for the request (HTTP 408). The job is retried; check \
             the network if it keeps happening."
        }
        BG_E_HTTP_ERROR_409 => {
            "The request conflicts with the current state of the resource on the server (HTTP \
             409). Try again later."
        }
        BG_E_HTTP_ERROR_410 => {
            "The file has been removed from the server for good (HTTP 410). Remove it from the job \
             or use another URL."
        }
        BG_E_HTTP_ERROR_411 => {
            "The server requires a Content-Length header (HTTP 411). Check the server's \
             configuration."
        }
        BG_E_HTTP_ERROR_412 => {
            "A precondition of the request was not met (HTTP 412); the file on the server has \
             probably changed. Resume the job to download it again."
        }
        BG_E_HTTP_ERROR_413 => {
            "The request is too large for the server (HTTP 413). Reduce the upload size or raise \
             the server's limit."
        }
        BG_E_HTTP_ERROR_414 => "The URL is too long for the server (HTTP 414). Use a shorter URL.",
        BG_E_HTTP_ERROR_415 => {
            "The server does not accept the request's media type (HTTP 415). Check the server's \
             configuration."
        }
        BG_E_HTTP_ERROR_416 => {
            "The requested byte range lies outside the file on the server (HTTP 416); the file may \
             have shrunk. Check the ranges or download the file again."
        }
        BG_E_HTTP_ERROR_417 => {
            "The server could not meet the request's Expect header (HTTP 417). Check the proxy or \
             server configuration."
        }
        BG_E_HTTP_ERROR_449 => {
            "The server asks for the request to be retried after the appropriate action (HTTP \
             449). Resume the job to retry."
        }
        BG_E_HTTP_ERROR_500 => {
            "The server hit an internal error (HTTP 500). This is a server-side problem; retry \
             later or contact the server's administrator."
        }
        BG_E_HTTP_ERROR_501 => {
            "The server does not implement what the request needs (HTTP 501). Use a server that \
             supports the request."
        }
        BG_E_HTTP_ERROR_502 => {
            "A gateway or proxy got an invalid response from the upstream server (HTTP 502). Retry \
             later."
        }
        BG_E_HTTP_ERROR_503 => {
            "The service is temporarily unavailable (HTTP 503), for example overloaded or down for \
             maintenance. The job is retried later."
        }
        BG_E_HTTP_ERROR_504 => "A gateway or proxy timed out waiting for the upstream server (HTTP 504). Retry later.",
        BG_E_HTTP_ERROR_505 => {
            "The server does not support the HTTP version used (HTTP 505). Use a server that \
             supports HTTP/1.1."
        }

        // ---- winerror.h catch-all FACILITY_HTTP codes ----
        HTTP_E_STATUS_UNEXPECTED => "The server returned an unexpected HTTP status. Check the URL and the server.",
        HTTP_E_STATUS_UNEXPECTED_REDIRECTION => {
            "The server returned a redirect that was not expected or could not be followed. Use \
             the final URL directly."
        }
        HTTP_E_STATUS_UNEXPECTED_CLIENT_ERROR => {
            "The server rejected the request with an unexpected 4xx status. Check the URL, the \
             credentials and the request headers."
        }
        HTTP_E_STATUS_UNEXPECTED_SERVER_ERROR => "The server failed with an unexpected 5xx status. Retry later.",

        // ---- Delivery Optimization (facility 0xD0) ----
        DO_E_NO_SERVICE => {
            "The Delivery Optimization service is not available. Check that it is installed and \
             running."
        }
        DO_E_DOWNLOAD_NO_PROGRESS => {
            "The download made no progress within the no-progress timeout. Check the network and \
             the source, then call Start to retry."
        }
        DO_E_JOB_NOT_FOUND => "The download job was not found. Check its ID; it may have been completed or aborted.",
        DO_E_JOB_EMPTY => "The download job contains no files. Add a file before starting it.",
        DO_E_NO_DOWNLOADS => "There are no downloads.",
        DO_E_MEMORYSTREAM_DOWNLOAD_NOT_SUPPORTED => {
            "Downloading into a memory stream is not supported for this download. Use a local file \
             path instead."
        }
        DO_E_JOB_TOO_OLD => {
            "The download was neither completed nor aborted within its maximum age and was \
             removed. Start a new download."
        }
        DO_E_LOCALPATH_NOT_SET => {
            "No local file path has been set for the download. Set the LocalPath property before \
             starting."
        }
        DO_E_FILE_NOT_AVAILABLE => "No file is associated with this download error.",
        DO_E_UNKNOWN_PROPERTY_ID => {
            "The download property ID is not recognized. Use one of the DODownloadProperty values."
        }
        DO_E_READ_ONLY_PROPERTY => "This download property is read-only and cannot be set.",
        DO_E_INVALID_STATE => {
            "The download's current state does not allow this action. Check the download state \
             first."
        }
        DO_E_ERROR_INFORMATION_UNAVAILABLE => "There is no error to report for this download.",
        DO_E_WRITE_ONLY_PROPERTY => "This download property is write-only and cannot be read.",
        DO_E_INTEGRITYCHECKINFO_UNSPECIFIED => {
            "An integrity check is required, but no integrity check information was given. \
             Supply it before starting the download."
        }
        DO_E_INTEGRITYCHECKINFO_UNAVAILABLE => {
            "An integrity check is required, but the integrity check information could not be \
             retrieved. Check the content source and retry."
        }
        DO_E_FILE_DOWNLOADSINK_UNSPECIFIED => {
            "The download has no destination. Set either a local path or a stream interface \
             before starting."
        }
        DO_E_FILE_DOWNLOADSINK_ALREADY_SET => {
            "A different kind of destination is already set for this download. Use either a \
             local path or a stream, not both."
        }
        DO_E_FILE_SIZE_UNKNOWN_HTTP_200 => {
            "The file size could not be determined from the server's HTTP 200 response. Use a \
             server that reports Content-Length."
        }
        DO_E_FILE_ENCRYPTION_EXPECTED => {
            "Decryption information was supplied, but the content is not encrypted. Remove the \
             decryption information."
        }
        DO_E_FILE_SIZE_UNKNOWN_HTTP_206 => {
            "The file size could not be determined from the server's HTTP 206 (partial content) \
             response. Check the server's Content-Range header."
        }
        DO_E_FILE_SIZE_UNKNOWN_HTTP_2XX => {
            "The file size could not be determined from the server's 2xx response. Check that the \
             server reports the size of the file."
        }
        DO_E_NETWORK_ACCESS_CONSENT_NEEDED => "The user must agree to network access before the download can go ahead.",
        DO_E_DOWNLOAD_NO_URI => "The download has no URI. Set the Uri property before starting.",
        DO_E_DOWNLOAD_NO_CONTENT_ID => "The download has no content ID. Set the ContentId property before starting.",
        DO_E_INVALID_CONTENT_ID => "The content ID is not valid. Check its format.",
        DO_E_DOWNLOAD_RANGES_UNEXPECTED => {
            "Byte ranges were given for a download that does not take them. Start it without \
             ranges."
        }
        DO_E_DOWNLOAD_RANGES_EXPECTED => "This download needs byte ranges. Start it with a range list.",
        DO_E_NO_DOWNLOAD_PARTICIPATION => "The download was blocked by participation throttling. Try again later.",
        DO_E_NO_DOWNLOAD_EXTSETTINGS => {
            "The download was blocked by user or administrator settings. Check the Delivery \
             Optimization settings."
        }
        DO_E_BLOCKED_BY_COST_TRANSFER_POLICY => {
            "The download is paused because the cost policy does not allow the current network \
             (for example a metered connection). It continues on a suitable network."
        }
        DO_E_DOWNLOADMODE_SET_BY_CP => {
            "The download mode was restricted by content policy. The download continues in the \
             restricted mode."
        }
        DO_E_BLOCKED_BY_CELLULAR_POLICY => {
            "The download is paused because the device is on a cellular connection and policy \
             forbids that. It continues on another network."
        }
        DO_E_BLOCKED_BY_POWER_STATE => {
            "The download is paused because the device is not on mains power. It continues when \
             the device is plugged in."
        }
        DO_E_BLOCKED_BY_NO_NETWORK => {
            "The download is paused because there is no network connection. It continues when the \
             network is back."
        }
        DO_E_DOWNLOADMODE_SET_BY_POLICY => {
            "The download mode was restricted by an administrator policy. The download continues \
             in the restricted mode."
        }
        DO_E_BLOCKED_BY_VPN_POLICY => {
            "The download is paused because a VPN connection was detected and policy forbids \
             downloading over it. It continues when the VPN is disconnected."
        }
        DO_E_BLOCKED_BY_CRITICAL_MEMORY_USAGE => {
            "The download is paused because the system is critically low on memory. It continues \
             when memory is available."
        }
        DO_E_DOWNLOADMODE_SET_BY_CACHE_ABSENCE => {
            "The download mode was restricted because no cache folder is available. Check the \
             cache folder setting."
        }
        DO_E_CLOUD_SERVICES_UNREACHABLE => {
            "The Delivery Optimization cloud services cannot be reached. This is retried \
             automatically; check the network and firewall if it persists."
        }
        DO_E_DOWNLOADMODE_SET_FOR_UNREG_CALLER => {
            "The download mode was restricted because the caller is not registered with Delivery \
             Optimization."
        }
        DO_E_DOWNLOADMODE_SET_FOR_SIMPLE_RANGES => {
            "The download mode was restricted to simple mode because the download requests simple \
             byte ranges."
        }
        DO_E_UNEXPECTED_HTTP_STATUS_2XX => {
            "The download is paused because the server returned an unexpected success status (for \
             example HTTP 204). It retries automatically; check the server if it persists."
        }
        DO_E_HTTP_BLOCKSIZE_MISMATCH => {
            "The server returned a different amount of data than the block requested. Check the \
             server or proxy."
        }
        DO_E_HTTP_CERT_VALIDATION => {
            "The server's TLS certificate could not be validated. Check the certificate, its chain \
             and the system clock."
        }
        DO_E_INVALID_RANGE => "A requested byte range is not valid for this download. Check the offsets and lengths.",
        DO_E_INSUFFICIENT_RANGE_SUPPORT => {
            "The server does not support byte-range requests, which this download needs. Use a \
             server that supports Range requests."
        }
        DO_E_OVERLAPPING_RANGES => "The download's byte ranges overlap. Merge them and start again.",
        DO_E_UPLOADING_BAD_PIECES => p2p!("corrupt pieces were being uploaded to peers."),
        DO_E_FATAL_CORE_ERROR => p2p!("the download engine hit a fatal internal error."),
        DO_E_SERVICES_RESPONSE_EMPTY => p2p!("the cloud service returned an empty response."),
        DO_E_BAD_INCOMING_DATA => p2p!("a peer sent malformed data."),
        DO_E_BAD_PIECE_HASH => p2p!("a piece from a peer failed its hash check; the peer was banned."),
        DO_E_BAD_PIECE_HASH_NO_BAN => {
            p2p!("a piece from a peer failed its hash check; the peer was not banned.")
        }
        DO_E_ALREADY_HAVE_PIECE => p2p!("a piece arrived that had already been downloaded."),
        DO_E_MISSING_PIECE => p2p!("a required piece of the content is missing."),
        DO_E_METAINFO_CONTENT => p2p!("the content metadata is invalid."),
        DO_E_METAINFO_VERSION => p2p!("the content metadata has an unsupported version."),
        DO_E_SWARM_NOT_RUNNING => p2p!("the peer swarm for this content is not running."),
        DO_E_UNRECOGNIZED_CONN => p2p!("a connection from an unrecognized peer was rejected."),
        DO_E_PEER_BANNED => p2p!("the peer has been banned."),
        DO_E_CONNECT_TO_SELF => p2p!("a peer connection led back to this device and was dropped."),
        DO_E_ALREADY_CONNECTED => p2p!("a connection to this peer already exists."),
        DO_E_NO_MORE_CONNECTIONS => p2p!("the maximum number of peer connections was reached."),
        DO_E_LOST_CONNECTION => p2p!("the connection to a peer was lost."),
        DO_E_UNRECOGNIZED_SWARM => p2p!("a peer asked for content this device does not know."),
        DO_E_INVALID_HANDSHAKE_LEN => p2p!("a peer sent a handshake of invalid length."),
        DO_E_SOCKET_CLOSED => p2p!("the network socket to a peer was closed."),
        DO_E_PEER_MSG_TOO_LONG => p2p!("a peer sent a message that is too long."),
        DO_E_INVALID_PEER_MSG => p2p!("a peer sent an invalid message."),
        DO_E_PEER_IS_UPLOAD => p2p!("the peer connection is for uploading only."),
        DO_E_PIN_FAIL_NO_PEERING => p2p!("the content could not be pinned because peering is off."),
        DO_E_DELETE_PINNED_SWARM => p2p!("pinned content cannot be deleted from the cache."),
        DO_E_METAINFO_DIGEST_MATCH => p2p!("the content metadata digest does not match."),
        DO_E_METAINFO_HOH_MATCH => p2p!("the metadata hash of hashes does not match."),
        DO_E_METAINFO_HOH_FINAL_MATCH => p2p!("the metadata final hash of hashes does not match."),
        DO_E_METAINFO_CONTENT_LENGTH => p2p!("the content length in the metadata is invalid."),
        DO_E_METAINFO_PIECE_SIZE => p2p!("the piece size in the metadata is invalid."),
        DO_E_METAINFO_PARSE_HOH => p2p!("the metadata hash of hashes could not be parsed."),
        DO_E_METAINFO_PARSE_PIECEHASHES => p2p!("the metadata piece hashes could not be parsed."),
        DO_E_METAINFO_PARSE_ONE_PIECEHASH => {
            p2p!("one of the metadata piece hashes could not be parsed.")
        }
        DO_E_METAINFO_FILE_SIZE => p2p!("the file size in the metadata is invalid."),

        // ---- BITS event-log message IDs ----
        BITS_MC_JOB_CANCELLED => {
            "Event: a job was cancelled by someone other than its owner, such as an administrator."
        }
        BITS_MC_FILE_DELETION_FAILED => {
            "Event: temporary files of a cancelled or completed job could not be deleted. Remove \
             them by hand."
        }
        BITS_MC_FILE_DELETION_FAILED_MORE => {
            "Event: temporary files of a cancelled or completed job could not be deleted, and more \
             files are affected than the event lists. Remove them by hand."
        }
        BITS_MC_JOB_PROPERTY_CHANGE => "Event: an administrator changed a property of a job owned by another user.",
        BITS_MC_JOB_TAKE_OWNERSHIP => "Event: ownership of a job was taken over by another user.",
        BITS_MC_JOB_SCAVENGED => {
            "Event: a job was removed automatically because it had not been modified for too long."
        }
        BITS_MC_JOB_NOTIFICATION_FAILURE => {
            "Event: the program that a job runs on completion or error could not be started. \
             Check the job's notification command line."
        }
        BITS_MC_STATE_FILE_CORRUPT => {
            "Event: the saved job queue was corrupt and had to be discarded; jobs may have been \
             lost and must be created again."
        }
        BITS_MC_FAILED_TO_START => "Event: the transfer service failed to start.",
        BITS_MC_FATAL_IGD_ERROR => {
            "Event: the Internet gateway device reported a fatal error, so bandwidth measurement \
             through it was turned off."
        }
        BITS_MC_PEERCACHING_PORT => {
            "Event: the network port for peer caching could not be opened. Check the firewall and \
             whether another program uses the port."
        }
        BITS_MC_WSD_PORT => {
            "Event: the network port for discovering peers (Web Services Discovery) could not be \
             opened. Check the firewall."
        }

        // ---- Win32 errors as HRESULT_FROM_WIN32 ----
        HR_FILE_NOT_FOUND => "The file was not found. Check that it exists at the given path.",
        HR_PATH_NOT_FOUND => {
            "The path was not found: a folder in it does not exist. Create the folder or correct \
             the path."
        }
        HR_NOT_ENOUGH_MEMORY => "The system ran out of memory for this operation. Free some memory and try again.",
        HR_WRITE_FAULT => "Writing to the storage device failed. Check the disk and try again.",
        HR_READ_FAULT => "Reading from the storage device failed. Check the disk and try again.",
        HR_SHARING_VIOLATION => {
            "The file is in use by another process. Close the program that has it open and try \
             again."
        }
        HR_LOCK_VIOLATION => {
            "Part of the file is locked by another process. Wait until it releases the lock and \
             try again."
        }
        HR_HANDLE_DISK_FULL => "The disk is full. Free some space on the destination volume and resume the job.",
        HR_DISK_FULL => {
            "There is not enough space on the disk. Free some space or choose another destination, \
             then resume the job."
        }
        HR_FILE_EXISTS => "The file already exists. Delete it or choose another name.",
        HR_ALREADY_EXISTS => {
            "The file or folder already exists, so it cannot be created. Remove it or choose \
             another name."
        }
        HR_INVALID_NAME => "The file name, folder name or path syntax is invalid. Correct the name.",
        HR_FILENAME_EXCED_RANGE => "The file name or path is too long. Use a shorter path.",
        HR_DIRECTORY => "The path does not name a valid folder where one is required. Check the path.",
        HR_BUSY => "The resource is busy. Try again later.",
        HR_SERVICE_DISABLED => "The transfer service is disabled. Enable it and try again.",
        HR_MR_MID_NOT_FOUND => "No message text exists for this error code. Look the code up by its number instead.",
        HR_ALREADY_INITIALIZED => {
            "The library has already started, so this setting can no longer change. Make the call before \
             the first CoCreateInstance."
        }
        HR_REVISION_MISMATCH => {
            "The job store was written by a newer version of the library and is left untouched. Use that \
             version, or choose another store directory."
        }
        HR_RESOURCE_LANG_NOT_FOUND => {
            "No message text is available in the requested language. Ask for English or the \
             neutral language."
        }

        // ---- Redirect refused (BG_HTTP_REDIRECT_POLICY_DISALLOW) ----
        HR_REDIRECT_300 => {
            "The server offered a choice of locations (HTTP 300), but the job's redirect policy \
             forbids redirects. Use a direct URL or change the policy with SetSecurityFlags."
        }
        HR_REDIRECT_301 => {
            "The file has moved permanently (HTTP 301), but the job's redirect policy forbids \
             redirects. Use the new URL or change the policy with SetSecurityFlags."
        }
        HR_REDIRECT_302 => {
            "The server redirected the request (HTTP 302), but the job's redirect policy forbids \
             redirects. Use the final URL or change the policy with SetSecurityFlags."
        }
        HR_REDIRECT_303 => {
            "The server pointed to another resource (HTTP 303), but the job's redirect policy \
             forbids redirects. Use the final URL or change the policy with SetSecurityFlags."
        }
        HR_REDIRECT_307 => {
            "The server redirected the request temporarily (HTTP 307), but the job's redirect \
             policy forbids redirects. Use the final URL or change the policy with \
             SetSecurityFlags."
        }
        HR_REDIRECT_308 => {
            "The file has moved permanently (HTTP 308), but the job's redirect policy forbids \
             redirects. Use the new URL or change the policy with SetSecurityFlags."
        }

        // ---- WinHTTP errors as HRESULT_FROM_WIN32 ----
        HR_WINHTTP_TIMEOUT => "The network request timed out. Check the connection; the job retries automatically.",
        HR_WINHTTP_NAME_NOT_RESOLVED => {
            "The server name could not be resolved. Check the host name in the URL and the DNS \
             settings."
        }
        HR_WINHTTP_CANNOT_CONNECT => {
            "The server could not be reached. Check that it is running and that its port is open \
             through any firewall."
        }
        HR_WINHTTP_CONNECTION_ERROR => {
            "The connection to the server was reset or ended abnormally. The job retries \
             automatically."
        }
        HR_WINHTTP_CLIENT_AUTH_CERT_NEEDED => {
            "The server requires a client certificate, but none is configured. Set one with \
             SetClientCertificateByID or SetClientCertificateByName and resume the job."
        }
        HR_WINHTTP_SECURE_CERT_DATE_INVALID => {
            "The server's TLS certificate has expired or is not yet valid. Check the server's \
             certificate and the system clock."
        }
        HR_WINHTTP_SECURE_CERT_CN_INVALID => {
            "The server's TLS certificate does not match the host name in the URL. Use the host \
             name the certificate was issued for."
        }
        HR_WINHTTP_SECURE_INVALID_CA => {
            "The server's TLS certificate was issued by an untrusted authority. Trust the issuing \
             CA or fix the server's certificate chain."
        }
        HR_WINHTTP_SECURE_CERT_REV_FAILED => {
            "The revocation status of the server's certificate could not be checked: no current \
             CRL of its issuer is in ~/.config/deliveryopt/crls or /etc/deliveryopt/crls. Add the \
             issuer's CRL there, or turn off revocation checking for the job."
        }
        HR_WINHTTP_SECURE_CERT_WRONG_USAGE => {
            "The server's TLS certificate is not meant for server authentication (its extended key \
             usage). The server needs a certificate issued for TLS servers."
        }
        HR_WINHTTP_SECURE_INVALID_CERT => {
            "The server's TLS certificate is invalid (bad signature, encoding or constraints). The \
             server needs a valid certificate."
        }
        HR_WINHTTP_SECURE_FAILURE => {
            "The secure (TLS) connection failed. Check the server's certificate and TLS settings."
        }
        HR_WINHTTP_SECURE_CERT_REVOKED => {
            "The server's TLS certificate has been revoked. The server needs a new certificate."
        }
        HR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY => {
            "The client certificate's private key cannot be used in the job's security context. \
             Grant access to the key, or do not combine the certificate with a network helper \
             token."
        }
        HR_WINHTTP_INVALID_SERVER_RESPONSE => {
            "The server sent a response that could not be parsed. Check the server and any proxy \
             in between."
        }
        HR_WINHTTP_REDIRECT_FAILED => {
            "A redirect could not be followed, for example because it changed the URL scheme. Use \
             the final URL directly."
        }

        _ => return None,
    };
    Some(text)
}

/// English text for `hr` as an owned string.
///
/// Same as [`message`] where that has text. Otherwise: a generic text for a FACILITY_HTTP code
/// `0x8019xxxx` whose low 16 bits are an HTTP status 100..=599, and "Operating system error N."
/// for any other `HRESULT_FROM_WIN32` code `0x8007xxxx`. `None` for anything else.
pub fn message_owned(hr: HRESULT) -> Option<String> {
    if let Some(text) = message(hr) {
        return Some(text.to_owned());
    }
    let bits = hr as u32;
    let code = bits & 0xFFFF;
    match bits & 0xFFFF_0000 {
        0x8019_0000 if (100..=599).contains(&code) => Some(http_status_text(code)),
        0x8007_0000 => Some(format!("Operating system error {code}.")),
        _ => None,
    }
}

/// Text for an HTTP status that has no named constant.
fn http_status_text(status: u32) -> String {
    let phrase = match reason_phrase(status) {
        Some(p) => format!(" ({p})"),
        None => String::new(),
    };
    let advice = match status {
        429 => "The server is limiting the request rate; wait a while, then resume the job.",
        100..=199 => {
            "An informational response arrived where a final one was expected; retry, and check \
             the server if it persists."
        }
        200..=299 => {
            "This success status was not expected for the request; check that the server \
             supports the transfer."
        }
        300..=399 => "The redirect could not be followed; use the final URL directly.",
        400..=499 => {
            "The server rejected the request; check the URL, the credentials and the headers, then \
             resume the job."
        }
        _ => "The server failed to handle the request; retry later or contact its administrator.",
    };
    format!("The server returned HTTP status {status}{phrase}. {advice}")
}

/// Standard reason phrases for the statuses that lack a `BG_E_HTTP_ERROR_*` constant.
fn reason_phrase(status: u32) -> Option<&'static str> {
    Some(match status {
        102 => "Processing",
        103 => "Early Hints",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        306 => "Switch Proxy",
        308 => "Permanent Redirect",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

/// The `BG_E_ERROR_CONTEXT_*` message ID (or `BG_S_ERROR_CONTEXT_NONE`) behind a context value.
pub fn context_message_id(ctx: BG_ERROR_CONTEXT) -> Option<HRESULT> {
    Some(match ctx {
        BG_ERROR_CONTEXT_NONE => BG_S_ERROR_CONTEXT_NONE,
        BG_ERROR_CONTEXT_UNKNOWN => BG_E_ERROR_CONTEXT_UNKNOWN,
        BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER => BG_E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER,
        BG_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION => BG_E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION,
        BG_ERROR_CONTEXT_LOCAL_FILE => BG_E_ERROR_CONTEXT_LOCAL_FILE,
        BG_ERROR_CONTEXT_REMOTE_FILE => BG_E_ERROR_CONTEXT_REMOTE_FILE,
        BG_ERROR_CONTEXT_GENERAL_TRANSPORT => BG_E_ERROR_CONTEXT_GENERAL_TRANSPORT,
        BG_ERROR_CONTEXT_REMOTE_APPLICATION => BG_E_ERROR_CONTEXT_REMOTE_APPLICATION,
        BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK => BG_E_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK,
        _ => return None,
    })
}

/// English text describing where an error happened, for `GetErrorContextDescription`.
///
/// The same text as [`message`] gives for the context's `BG_E_ERROR_CONTEXT_*` code. `None` for a
/// value outside `BG_ERROR_CONTEXT_NONE..=BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK`.
pub fn context_description(ctx: BG_ERROR_CONTEXT) -> Option<&'static str> {
    context_message_id(ctx).and_then(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Parses an integer literal as written in the abi sources: `0x8020_0001_u32 as HRESULT`,
    /// `0x00200006`, `12044`, `-5`.
    fn parse_literal(raw: &str) -> Option<i64> {
        let mut s = raw.trim();
        for suffix in [" as HRESULT", " as DWORD"] {
            if let Some(rest) = s.strip_suffix(suffix) {
                s = rest.trim();
            }
        }
        for suffix in ["_u32", "_i32", "u32", "i32"] {
            if let Some(rest) = s.strip_suffix(suffix) {
                s = rest;
                break;
            }
        }
        let digits = s.replace('_', "");
        let (negative, digits) = match digits.strip_prefix('-') {
            Some(d) => (true, d.to_owned()),
            None => (false, digits),
        };
        let value = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
            Some(hex) => i64::from_str_radix(hex, 16).ok()?,
            None => digits.parse::<i64>().ok()?,
        };
        Some(if negative { -value } else { value })
    }

    /// Every `pub const NAME: <ty> = VALUE;` line of `src`, with the value parsed. Panics on a
    /// line of that type whose value it cannot read, so a new syntax cannot be skipped silently.
    fn parse_consts(src: &str, ty: &str) -> Vec<(String, i64)> {
        let marker = format!(": {ty} = ");
        let mut out = Vec::new();
        for line in src.lines() {
            let Some(rest) = line.trim().strip_prefix("pub const ") else {
                continue;
            };
            let Some((name, value)) = rest.split_once(&marker) else {
                continue;
            };
            let value = value.trim().trim_end_matches(';');
            let parsed = parse_literal(value).unwrap_or_else(|| panic!("cannot parse the value of {name}: {value:?}"));
            out.push((name.trim().to_owned(), parsed));
        }
        out
    }

    fn hresult_consts() -> Vec<(String, HRESULT)> {
        parse_consts(include_str!("hresult.rs"), "HRESULT")
            .into_iter()
            .map(|(name, v)| (name, v as u32 as HRESULT))
            .collect()
    }

    fn win32_error_consts() -> Vec<(String, HRESULT)> {
        parse_consts(include_str!("types.rs"), "DWORD")
            .into_iter()
            .filter(|(name, _)| name.starts_with("ERROR_"))
            .map(|(name, v)| (name, hresult_from_win32(v as u32)))
            .collect()
    }

    /// Every code with a static text that this module knows of, by name.
    fn all_static_codes() -> Vec<(String, HRESULT)> {
        let mut all = hresult_consts();
        all.extend(win32_error_consts());
        for status in [300u32, 301, 302, 303, 307, 308] {
            all.push((format!("HRESULT_FROM_WIN32({status})"), hresult_from_win32(status)));
        }
        for (name, hr) in [
            ("HTTP_E_STATUS_UNEXPECTED", HTTP_E_STATUS_UNEXPECTED),
            ("HTTP_E_STATUS_UNEXPECTED_REDIRECTION", HTTP_E_STATUS_UNEXPECTED_REDIRECTION),
            ("HTTP_E_STATUS_UNEXPECTED_CLIENT_ERROR", HTTP_E_STATUS_UNEXPECTED_CLIENT_ERROR),
            ("HTTP_E_STATUS_UNEXPECTED_SERVER_ERROR", HTTP_E_STATUS_UNEXPECTED_SERVER_ERROR),
        ] {
            all.push((name.to_owned(), hr));
        }
        all
    }

    #[test]
    fn parser_reads_hresult_rs() {
        let consts = hresult_consts();
        assert!(consts.len() >= 240, "only {} HRESULT constants parsed from hresult.rs", consts.len());
        let find = |n: &str| consts.iter().find(|(name, _)| name == n).map(|&(_, v)| v);
        assert_eq!(find("S_OK"), Some(S_OK));
        assert_eq!(find("BG_S_ERROR_CONTEXT_NONE"), Some(BG_S_ERROR_CONTEXT_NONE));
        assert_eq!(find("BG_E_NOT_FOUND"), Some(BG_E_NOT_FOUND));
        assert_eq!(find("BG_E_HTTP_ERROR_404"), Some(BG_E_HTTP_ERROR_404));
        assert_eq!(find("DO_E_METAINFO_FILE_SIZE"), Some(DO_E_METAINFO_FILE_SIZE));
        assert_eq!(find("BITS_MC_WSD_PORT"), Some(BITS_MC_WSD_PORT));
        assert_eq!(parse_literal("0x8019_0194_u32 as HRESULT"), Some(0x8019_0194));
        assert_eq!(parse_literal("-2145386495"), Some(-2145386495));
        assert_eq!(parse_literal("not a number"), None);
    }

    #[test]
    fn every_hresult_constant_has_a_message() {
        for (name, hr) in hresult_consts() {
            let text = message(hr);
            assert!(text.is_some_and(|t| !t.trim().is_empty()), "no message for {name} ({:#010X})", hr as u32);
            assert_eq!(message_owned(hr).as_deref(), text, "message_owned differs for {name}");
        }
    }

    #[test]
    fn every_win32_error_in_types_rs_has_a_message() {
        let consts = win32_error_consts();
        assert!(consts.len() >= 30, "only {} ERROR_* constants parsed from types.rs", consts.len());
        assert!(consts.iter().filter(|(n, _)| n.starts_with("ERROR_WINHTTP_")).count() >= 14);
        for (name, hr) in consts {
            assert!(message(hr).is_some(), "no message for HRESULT_FROM_WIN32({name}) ({:#010X})", hr as u32);
        }
    }

    #[test]
    fn texts_are_well_formed() {
        for (name, hr) in all_static_codes() {
            let text = message(hr).unwrap_or_else(|| panic!("no message for {name}"));
            assert_eq!(text, text.trim(), "stray whitespace in the text for {name}");
            assert!(text.ends_with('.'), "text for {name} does not end with a full stop: {text:?}");
            assert!(!text.contains("  "), "double space in the text for {name}: {text:?}");
            assert!(text.len() <= 300, "text for {name} is {} bytes long", text.len());
            assert!(text.chars().next().is_some_and(|c| c.is_uppercase()), "{name}: {text:?}");
        }
    }

    #[test]
    fn different_codes_have_different_texts() {
        let mut seen: HashMap<String, (String, HRESULT)> = HashMap::new();
        let mut check = |name: String, hr: HRESULT, text: String| {
            if let Some((other, other_hr)) = seen.get(&text) {
                assert_eq!(*other_hr, hr, "{name} and {other} share the text {text:?}");
            } else {
                seen.insert(text, (name, hr));
            }
        };
        for (name, hr) in all_static_codes() {
            check(name, hr, message(hr).unwrap().to_owned());
        }
        for status in 100..=599u32 {
            let hr = (0x8019_0000 | status) as HRESULT;
            let text = message_owned(hr).unwrap_or_else(|| panic!("no text for HTTP {status}"));
            check(format!("HTTP {status}"), hr, text);
        }
    }

    #[test]
    fn constants_sharing_a_value_share_a_text() {
        use crate::abi::types::{ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER, ERROR_NOT_FOUND};
        for (win32, hr) in [
            (ERROR_ACCESS_DENIED, E_ACCESSDENIED),
            (ERROR_INVALID_PARAMETER, E_INVALIDARG),
            (ERROR_NOT_FOUND, E_NOT_SET),
        ] {
            assert_eq!(hresult_from_win32(win32), hr);
            assert!(message(hr).is_some());
            assert_eq!(message(hresult_from_win32(win32)), message(hr));
        }
    }

    #[test]
    fn context_descriptions() {
        for ctx in 0..=8 {
            let text = context_description(ctx);
            assert!(text.is_some_and(|t| !t.is_empty()), "no description for context {ctx}");
            assert_eq!(text, message(context_message_id(ctx).unwrap()));
        }
        assert_eq!(context_description(9), None);
        assert_eq!(context_description(-1), None);
        assert_eq!(context_message_id(BG_ERROR_CONTEXT_NONE), Some(BG_S_ERROR_CONTEXT_NONE));
        assert_eq!(
            context_message_id(BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK),
            Some(BG_E_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK)
        );
        assert!(context_description(BG_ERROR_CONTEXT_LOCAL_FILE).unwrap().contains("local file"));
    }

    #[test]
    fn message_owned_generic_codes() {
        let t429 = message_owned(0x8019_01AD_u32 as HRESULT).expect("HTTP 429");
        assert!(t429.contains("429"), "{t429}");
        let t308 = message_owned(0x8019_0134_u32 as HRESULT).expect("HTTP 308");
        assert!(t308.contains("308") && t308.contains("Permanent Redirect"), "{t308}");
        let t599 = message_owned(0x8019_0257_u32 as HRESULT).expect("HTTP 599");
        assert!(t599.contains("599"), "{t599}");
        assert_eq!(message(0x8019_01AD_u32 as HRESULT), None);

        // Outside 100..=599, or another facility: nothing.
        assert_eq!(message_owned(0x8019_0063_u32 as HRESULT), None);
        assert_eq!(message_owned(0x8019_0258_u32 as HRESULT), None);
        assert_eq!(message_owned(0x8019_400C_u32 as HRESULT), None);
        assert_eq!(message_owned(0x0019_01AD), None);
        assert_eq!(message_owned(0x1234_5678), None);
        assert_eq!(message(0x1234_5678), None);
        assert_eq!(message_owned(0x8020_0030_u32 as HRESULT), None);

        // Unlisted Win32 codes.
        assert_eq!(message_owned(0x8007_0BAD_u32 as HRESULT).as_deref(), Some("Operating system error 2989."));
        assert_eq!(
            message_owned(hresult_from_win32(ERROR_DISK_FULL)).as_deref(),
            message(hresult_from_win32(ERROR_DISK_FULL))
        );
        assert!(message_owned(hresult_from_win32(ERROR_FILE_NOT_FOUND)).unwrap().contains("not found"));

        // Named codes come through unchanged.
        assert_eq!(message_owned(BG_E_HTTP_ERROR_404).as_deref(), message(BG_E_HTTP_ERROR_404));
        assert!(message(BG_E_HTTP_ERROR_404).unwrap().contains("404"));
    }

    #[test]
    fn http_constants_mention_their_status() {
        for (name, hr) in hresult_consts() {
            if let Some(status) = name.strip_prefix("BG_E_HTTP_ERROR_") {
                let text = message(hr).unwrap();
                assert!(text.contains(&format!("HTTP {status}")), "{name}: {text:?}");
            }
        }
    }
}
