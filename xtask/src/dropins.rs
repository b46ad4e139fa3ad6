//! The drop-in headers with the Windows SDK names (`#include <bits.h>` etc.).
//!
//! deliveryopt.h declares everything, so each drop-in is a thin wrapper with its own guard. Its
//! comment lists what its Windows namesake declares, and the generator checks that every listed
//! name (or, for `PREFIX_*`, at least one name with that prefix) is declared by deliveryopt.h.

use std::collections::BTreeSet;

use crate::output::Generated;

struct DropIn {
    file: &'static str,
    what: &'static str,
    declares: &'static [&'static str],
    /// Declared by the namesake but deliberately not provided here, with the reason.
    omitted: &'static [&'static str],
    /// Extra C text after the include: what the namesake declares and deliveryopt.h does not.
    extra: &'static str,
    /// The names `extra` defines, for the comment.
    extra_names: &'static [&'static str],
}

const DROP_INS: &[DropIn] = &[
    DropIn {
        file: "bits.h",
        what: "BITS 1.0 (Bits.idl)",
        declares: &[
            "IBackgroundCopyManager",
            "IBackgroundCopyJob",
            "IEnumBackgroundCopyJobs",
            "IBackgroundCopyFile",
            "IEnumBackgroundCopyFiles",
            "IBackgroundCopyError",
            "IBackgroundCopyCallback",
            "IID_AsyncIBackgroundCopyCallback",
            "CLSID_BackgroundCopyManager",
            "LIBID_BackgroundCopyManager",
            "BG_FILE_INFO",
            "BG_FILE_PROGRESS",
            "BG_JOB_PROGRESS",
            "BG_JOB_TIMES",
            "BG_JOB_STATE",
            "BG_JOB_PRIORITY",
            "BG_JOB_TYPE",
            "BG_JOB_PROXY_USAGE",
            "BG_ERROR_CONTEXT",
            "BG_SIZE_UNKNOWN",
            "BG_NOTIFY_*",
            "BG_JOB_ENUM_ALL_USERS",
        ],
        omitted: &["AsyncIBackgroundCopyCallback (only its IID: it exists for COM's asynchronous call machinery)"],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "bits1_5.h",
        what: "BITS 1.5 (bits1_5.idl)",
        declares: &[
            "IBackgroundCopyJob2",
            "BG_JOB_REPLY_PROGRESS",
            "BG_AUTH_TARGET",
            "BG_AUTH_SCHEME",
            "BG_BASIC_CREDENTIALS",
            "BG_AUTH_CREDENTIALS_UNION",
            "BG_AUTH_CREDENTIALS",
            "CLSID_BackgroundCopyManager1_5",
            "LIBID_BackgroundCopyManager1_5",
        ],
        omitted: &[],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "bits2_0.h",
        what: "BITS 2.0 (bits2_0.idl)",
        declares: &[
            "IBackgroundCopyJob3",
            "IBackgroundCopyFile2",
            "BG_FILE_RANGE",
            "BG_LENGTH_TO_EOF",
            "BG_COPY_FILE_*",
            "CLSID_BackgroundCopyManager2_0",
            "LIBID_BackgroundCopyManager2_0",
        ],
        omitted: &[],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "bits2_5.h",
        what: "BITS 2.5 (bits2_5.idl)",
        declares: &[
            "IBackgroundCopyJobHttpOptions",
            "BG_CERT_STORE_LOCATION",
            "BG_SSL_*",
            "BG_HTTP_REDIRECT_POLICY_*",
            "CLSID_BackgroundCopyManager2_5",
            "LIBID_BackgroundCopyManager2_5",
        ],
        omitted: &[],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "bits3_0.h",
        what: "BITS 3.0 (bits3_0.idl)",
        declares: &[
            "IBitsPeerCacheRecord",
            "IEnumBitsPeerCacheRecords",
            "IBitsPeer",
            "IEnumBitsPeers",
            "IBitsPeerCacheAdministration",
            "IBackgroundCopyJob4",
            "IBackgroundCopyFile3",
            "IBackgroundCopyCallback2",
            "BG_ENABLE_PEERCACHING_CLIENT",
            "BG_ENABLE_PEERCACHING_SERVER",
            "BG_DISABLE_BRANCH_CACHE",
            "BG_JOB_ENABLE_PEERCACHING_CLIENT",
            "BG_JOB_ENABLE_PEERCACHING_SERVER",
            "BG_JOB_DISABLE_BRANCH_CACHE",
            "CLSID_BackgroundCopyManager3_0",
            "LIBID_BackgroundCopyManager3_0",
        ],
        omitted: &[],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "bits4_0.h",
        what: "BITS 4.0 (bits4_0.idl)",
        declares: &[
            "IBitsTokenOptions",
            "IBackgroundCopyFile4",
            "BG_TOKEN_LOCAL_FILE",
            "BG_TOKEN_NETWORK",
            "CLSID_BackgroundCopyManager4_0",
            "LIBID_BackgroundCopyManager4_0",
        ],
        omitted: &[],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "bits5_0.h",
        what: "BITS 5.0 (bits5_0.idl)",
        declares: &[
            "IBackgroundCopyJob5",
            "IBackgroundCopyFile5",
            "BITS_JOB_TRANSFER_POLICY",
            "BITS_JOB_PROPERTY_ID",
            "BITS_JOB_PROPERTY_VALUE",
            "BITS_FILE_PROPERTY_ID",
            "BITS_FILE_PROPERTY_VALUE",
            "BITS_COST_STATE_*",
            "BITS_COST_OPTION_IGNORE_CONGESTION",
            "CLSID_BackgroundCopyManager5_0",
            "LIBID_BackgroundCopyManager5_0",
        ],
        omitted: &[],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "bits10_1.h",
        what: "BITS 10.1 (bits10_1.idl)",
        declares: &[
            "IBackgroundCopyCallback3",
            "IBackgroundCopyFile6",
            "CLSID_BackgroundCopyManager10_1",
            "LIBID_BackgroundCopyManager10_1",
        ],
        omitted: &[],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "bits10_2.h",
        what: "BITS 10.2 (bits10_2.idl)",
        declares: &[
            "IBackgroundCopyJobHttpOptions2",
            "CLSID_BackgroundCopyManager10_2",
            "LIBID_BackgroundCopyManager10_2",
        ],
        omitted: &[],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "bits10_3.h",
        what: "BITS 10.3 (bits10_3.idl)",
        declares: &[
            "IBackgroundCopyServerCertificateValidationCallback",
            "IBackgroundCopyJobHttpOptions3",
            "CLSID_BackgroundCopyManager10_3",
            "LIBID_BackgroundCopyManager10_3",
        ],
        omitted: &[],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "deliveryoptimization.h",
        what: "Delivery Optimization (deliveryoptimization.idl)",
        declares: &[
            "IDOManager",
            "IDODownload",
            "IDODownloadStatusCallback",
            "IEnumUnknown",
            "DODownloadState",
            "DODownloadCostPolicy",
            "DODownloadProperty",
            "DO_DOWNLOAD_RANGE",
            "DO_DOWNLOAD_RANGES_INFO",
            "DO_DOWNLOAD_STATUS",
            "DO_DOWNLOAD_ENUM_CATEGORY",
            "DO_LENGTH_TO_EOF",
            "CLSID_DeliveryOptimization",
            "LIBID_DeliveryOptimization",
        ],
        omitted: &[
            "the DecryptionInfo_* and IntegrityCheckInfo_* JSON key strings",
            "IDODownloadInternal (deprecated; its IID is unknown)",
        ],
        extra: "",
        extra_names: &[],
    },
    DropIn {
        file: "deliveryoptimizationerrors.h",
        what: "Delivery Optimization error codes",
        declares: &["DO_E_*", "DO_ZONE_MASK", "DO_TRANSIENT_ZONE_MASK", "DO_TRANSIENT_ZONE"],
        omitted: &[],
        extra: "
/* A DO failure that DO retries on its own: facility 208 and a code in 0x3800-0x3FFF. */
#ifndef IS_DO_TRANSIENT_ERROR
#define IS_DO_TRANSIENT_ERROR(hr) \\
    ((HRESULT_FACILITY(hr) == FACILITY_DELIVERY_OPTIMIZATION) && \\
     ((HRESULT_CODE(hr) & DO_TRANSIENT_ZONE_MASK) == DO_TRANSIENT_ZONE))
#endif
",
        extra_names: &["IS_DO_TRANSIENT_ERROR"],
    },
    DropIn {
        file: "bitsmsg.h",
        what: "BITS error codes and event-log message ids",
        declares: &["BG_E_*", "BG_S_*", "BG_E_HTTP_ERROR_*", "BITS_MC_*"],
        omitted: &[],
        extra: "",
        extra_names: &[],
    },
];

/// Every drop-in header, after checking that deliveryopt.h declares (`declared`) what each lists.
pub fn generate(declared: &BTreeSet<String>) -> Result<Vec<Generated>, String> {
    let idents = declared;
    let mut missing = Vec::new();
    let mut out = Vec::new();
    for d in DROP_INS {
        for name in d.declares {
            let found = match name.strip_suffix('*') {
                Some(prefix) => idents.iter().any(|i| i.starts_with(prefix)),
                None => idents.contains(*name),
            };
            if !found {
                missing.push(format!("{}: {name}", d.file));
            }
        }
        out.push(Generated { path: format!("include/{}", d.file).into(), text: render(d) });
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(format!("deliveryopt.h lacks names its drop-ins promise:\n  {}", missing.join("\n  ")))
    }
}

fn render(d: &DropIn) -> String {
    let guard = format!("DELIVERYOPT_DROPIN_{}", d.file.replace('.', "_").to_uppercase());
    let mut lines = vec![String::new()];
    let mut line = String::from(" *  ");
    for n in d.declares {
        if line.len() + n.len() > 96 {
            lines.push(line.trim_end().to_string());
            line = String::from(" *  ");
        }
        line.push_str(n);
        line.push(' ');
    }
    lines.push(line.trim_end().to_string());
    let omitted = if d.omitted.is_empty() {
        String::new()
    } else {
        format!(
            " *\n * Not provided:\n{}\n",
            d.omitted.iter().map(|o| format!(" *  - {o}")).collect::<Vec<_>>().join("\n")
        )
    };
    let here = if d.extra_names.is_empty() {
        String::new()
    } else {
        format!(" *\n * Defined in this file: {}\n", d.extra_names.join(" "))
    };
    format!(
        "/*
 * {file}: drop-in for the Windows SDK header of the same name
 * ({what}). Generated by `cargo run -p xtask -- headers`; do not edit.
 *
 * Its Windows namesake declares (deliveryopt.h, included below, declares all of these):{list}
{here}{omitted} */
#ifndef {guard}
#define {guard}

#include \"deliveryopt.h\"
{extra}
#endif /* {guard} */
",
        file = d.file,
        what = d.what,
        list = lines.join("\n"),
        here = here,
        omitted = omitted,
        extra = d.extra,
    )
}
