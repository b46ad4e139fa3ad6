// deliveryopt C# sample: a BITS download from C# through libdeliveryopt.so, with P/Invoke only.
//
//   mono BitsSample.exe [--timeout SECONDS] URL LOCAL_PATH [EXPECTED_SIZE [EXPECTED_SHA256]]
//
// What it shows:
//   * CoCreateInstance and CoTaskMemFree through [DllImport("deliveryopt")] (libdeliveryopt.so);
//   * hand-written vtable structs (one IntPtr per slot, in BITS's slot order, as in bits.idl and
//     include/deliveryopt.h) and
//     Marshal.GetDelegateForFunctionPointer on those slots, for IBackgroundCopyManager (CreateJob,
//     GetJob, EnumJobs, GetErrorDescription), IEnumBackgroundCopyJobs, IBackgroundCopyJob (AddFile,
//     GetId, SetNotifyFlags, SetNotifyInterface, Resume, GetState, GetProgress, GetError, Complete,
//     Cancel, EnumFiles ...), IEnumBackgroundCopyFiles, IBackgroundCopyFile and IBackgroundCopyError;
//   * IBackgroundCopyJob5 through QueryInterface, with SetProperty's by-value union
//     (BITS_JOB_PROPERTY_VALUE) passed as two 64-bit halves;
//   * an IBackgroundCopyCallback written in C#: a native vtable of function pointers made from
//     delegates that stay alive, a native object whose first field points at it, and real
//     QueryInterface/AddRef/Release reference counting (the object is freed on its last Release);
//   * UTF-16 strings in (LPWStr marshalling) and out (LPWSTR* freed with the library's CoTaskMemFree);
//   * every HRESULT checked; every interface pointer it gets released exactly once.
//
// It downloads URL to LOCAL_PATH (absolute) in one job, waits for JobTransferred (with a timeout,
// and GetState polling as a fallback), prints progress, calls Complete, then checks the file's size
// and SHA-256 (against EXPECTED_SIZE / EXPECTED_SHA256 when given). Exit status: 0 success, 1 the
// download or a check failed, 2 usage.
//
// Build: mcs -out:BitsSample.exe examples-cs/BitsSample.cs   (examples-cs/run.sh does it all)

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace DeliveryOpt.Sample
{
    // ------------------------------------------------------------------------------------------
    // Constants: GUIDs (guids.md), HRESULTs (errors.md), enums (enums-structs.md).
    // ------------------------------------------------------------------------------------------

    static class Guids
    {
        public static readonly Guid CLSID_BackgroundCopyManager = new Guid("4991D34B-80A1-4291-83B6-3328366B9097");
        public static readonly Guid IID_IUnknown = new Guid("00000000-0000-0000-C000-000000000046");
        public static readonly Guid IID_IBackgroundCopyManager = new Guid("5CE34C0D-0DC9-4C1F-897C-DAA1B78CEE7C");
        public static readonly Guid IID_IBackgroundCopyJob = new Guid("37668D37-507E-4160-9316-26306D150B12");
        public static readonly Guid IID_IBackgroundCopyFile = new Guid("01B7BD23-FB88-4A77-8490-5891D3E4653A");
        public static readonly Guid IID_IBackgroundCopyError = new Guid("19C613A0-FCB8-4F28-81AE-897C3D078F81");
        public static readonly Guid IID_IEnumBackgroundCopyJobs = new Guid("1AF4F612-3B71-466F-8F58-7B6F73AC57AD");
        public static readonly Guid IID_IEnumBackgroundCopyFiles = new Guid("CA51E165-C365-424C-8D41-24AAA4FF3C40");
        public static readonly Guid IID_IBackgroundCopyCallback = new Guid("97EA99C7-0186-4AD4-8DF9-C5B4E0ED6B22");
        public static readonly Guid IID_IBackgroundCopyJob5 = new Guid("E847030C-BBBA-4657-AF6D-484AA42BF1FE");
    }

    static class HR
    {
        public const int S_OK = 0;
        public const int S_FALSE = 1;
        public const int E_NOTIMPL = unchecked((int)0x80004001);
        public const int E_NOINTERFACE = unchecked((int)0x80004002);
        public const int E_POINTER = unchecked((int)0x80004003);
        public const int E_FAIL = unchecked((int)0x80004005);
        public const int E_UNEXPECTED = unchecked((int)0x8000FFFF);
        public const int E_ACCESSDENIED = unchecked((int)0x80070005);
        public const int E_OUTOFMEMORY = unchecked((int)0x8007000E);
        public const int E_INVALIDARG = unchecked((int)0x80070057);
        public const int REGDB_E_CLASSNOTREG = unchecked((int)0x80040154);
        public const int CO_E_SERVER_EXEC_FAILURE = unchecked((int)0x80080005);
        public const int BG_E_NOT_FOUND = unchecked((int)0x80200001);
        public const int BG_E_INVALID_STATE = unchecked((int)0x80200002);
        public const int BG_E_EMPTY = unchecked((int)0x80200003);
        public const int BG_E_FILE_NOT_AVAILABLE = unchecked((int)0x80200004);
        public const int BG_E_PROTOCOL_NOT_AVAILABLE = unchecked((int)0x80200005);
        public const int BG_E_ERROR_INFORMATION_UNAVAILABLE = unchecked((int)0x8020000F);
        public const int BG_S_PARTIAL_COMPLETE = 0x00200017;
        public const int BG_S_UNABLE_TO_DELETE_FILES = 0x0020001A;
        public const int BG_E_HTTP_ERROR_404 = unchecked((int)0x80190194);

        static readonly Dictionary<int, string> Names = new Dictionary<int, string>
        {
            { S_OK, "S_OK" }, { S_FALSE, "S_FALSE" }, { E_NOTIMPL, "E_NOTIMPL" },
            { E_NOINTERFACE, "E_NOINTERFACE" }, { E_POINTER, "E_POINTER" }, { E_FAIL, "E_FAIL" },
            { E_UNEXPECTED, "E_UNEXPECTED" }, { E_ACCESSDENIED, "E_ACCESSDENIED" },
            { E_OUTOFMEMORY, "E_OUTOFMEMORY" }, { E_INVALIDARG, "E_INVALIDARG" },
            { REGDB_E_CLASSNOTREG, "REGDB_E_CLASSNOTREG" }, { CO_E_SERVER_EXEC_FAILURE, "CO_E_SERVER_EXEC_FAILURE" },
            { BG_E_NOT_FOUND, "BG_E_NOT_FOUND" }, { BG_E_INVALID_STATE, "BG_E_INVALID_STATE" },
            { BG_E_EMPTY, "BG_E_EMPTY" }, { BG_E_FILE_NOT_AVAILABLE, "BG_E_FILE_NOT_AVAILABLE" },
            { BG_E_PROTOCOL_NOT_AVAILABLE, "BG_E_PROTOCOL_NOT_AVAILABLE" },
            { BG_E_ERROR_INFORMATION_UNAVAILABLE, "BG_E_ERROR_INFORMATION_UNAVAILABLE" },
            { BG_S_PARTIAL_COMPLETE, "BG_S_PARTIAL_COMPLETE" }, { BG_S_UNABLE_TO_DELETE_FILES, "BG_S_UNABLE_TO_DELETE_FILES" },
            { BG_E_HTTP_ERROR_404, "BG_E_HTTP_ERROR_404" },
        };

        public static bool Failed(int hr) { return hr < 0; }

        /// "0x80200003 (BG_E_EMPTY)", or just the hex for codes this sample has no name for.
        public static string Format(int hr)
        {
            string name;
            string hex = "0x" + ((uint)hr).ToString("X8");
            return Names.TryGetValue(hr, out name) ? hex + " (" + name + ")" : hex;
        }
    }

    static class Bits
    {
        public const uint CLSCTX_LOCAL_SERVER = 0x4;
        public const int BG_JOB_TYPE_DOWNLOAD = 0;
        public const uint BG_NOTIFY_JOB_TRANSFERRED = 0x1;
        public const uint BG_NOTIFY_JOB_ERROR = 0x2;
        public const uint BG_NOTIFY_JOB_MODIFICATION = 0x8;
        // BITS_JOB_PROPERTY_ID (IBackgroundCopyJob5::SetProperty / GetProperty), with the member
        // of BITS_JOB_PROPERTY_VALUE each one uses.
        public const int BITS_JOB_PROPERTY_ID_COST_FLAGS = 1;                   // Dword
        public const int BITS_JOB_PROPERTY_HIGH_PERFORMANCE = 4;                // Enable
        public const int BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS = 9; // Dword
        public const ulong BG_SIZE_UNKNOWN = ulong.MaxValue;
        public const uint LANG_EN_US = 0x0409;

        // BG_JOB_STATE
        public const int QUEUED = 0, CONNECTING = 1, TRANSFERRING = 2, SUSPENDED = 3, ERROR = 4,
            TRANSIENT_ERROR = 5, TRANSFERRED = 6, ACKNOWLEDGED = 7, CANCELLED = 8;
        static readonly string[] StateNames =
        {
            "QUEUED", "CONNECTING", "TRANSFERRING", "SUSPENDED", "ERROR", "TRANSIENT_ERROR",
            "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED",
        };
        public static string StateName(int s)
        {
            return s >= 0 && s < StateNames.Length ? StateNames[s] : "state " + s;
        }

        static readonly string[] ContextNames =
        {
            "NONE", "UNKNOWN", "GENERAL_QUEUE_MANAGER", "QUEUE_MANAGER_NOTIFICATION", "LOCAL_FILE",
            "REMOTE_FILE", "GENERAL_TRANSPORT", "REMOTE_APPLICATION", "SERVER_CERTIFICATE_CALLBACK",
        };
        public static string ContextName(int c)
        {
            return c >= 0 && c < ContextNames.Length ? "BG_ERROR_CONTEXT_" + ContextNames[c] : "context " + c;
        }
    }

    // BG_JOB_PROGRESS: 24 bytes (enums-structs.md).
    [StructLayout(LayoutKind.Sequential)]
    struct BG_JOB_PROGRESS
    {
        public ulong BytesTotal;
        public ulong BytesTransferred;
        public uint FilesTotal;
        public uint FilesTransferred;
    }

    // BG_FILE_PROGRESS: 24 bytes (BOOL Completed and 4 bytes of padding).
    [StructLayout(LayoutKind.Sequential)]
    struct BG_FILE_PROGRESS
    {
        public ulong BytesTotal;
        public ulong BytesTransferred;
        public int Completed;
    }

    // ------------------------------------------------------------------------------------------
    // The library's exports.
    // ------------------------------------------------------------------------------------------

    static class Native
    {
        // "deliveryopt": mono (and .NET) try libdeliveryopt.so on the loader's path
        // (LD_LIBRARY_PATH). run.sh also writes BitsSample.exe.config, a mono dllmap from
        // "deliveryopt" to the SONAME (libdeliveryopt.so.0.1): the name an installed runtime
        // library has even without the development link libdeliveryopt.so.
        public const string Lib = "deliveryopt";

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern int CoCreateInstance(ref Guid rclsid, IntPtr pUnkOuter, uint dwClsContext,
                                                  ref Guid riid, out IntPtr ppv);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern void CoTaskMemFree(IntPtr pv);

        /// exit(3) of the C library (mono maps "libc" to the system's C library).
        [DllImport("libc", CallingConvention = CallingConvention.Cdecl)]
        public static extern void exit(int status);
    }

    /// BITS_JOB_PROPERTY_VALUE (16 bytes): Dword, Enable and Uint64 are in Low; ClsID is all 16.
    [StructLayout(LayoutKind.Sequential)]
    struct JobPropertyValue
    {
        public ulong Low;
        public ulong High;
    }

    // ------------------------------------------------------------------------------------------
    // Vtables, written by hand: one IntPtr per slot, in slot order (bits-core.md). Only the
    // layout matters; the slots this sample calls have a delegate type below.
    // ------------------------------------------------------------------------------------------

    [StructLayout(LayoutKind.Sequential)]
    struct IUnknownVtbl
    {
        public IntPtr QueryInterface;   // 0
        public IntPtr AddRef;           // 1
        public IntPtr Release;          // 2
    }

    [StructLayout(LayoutKind.Sequential)]
    struct IBackgroundCopyManagerVtbl
    {
        public IUnknownVtbl Unknown;        // 0-2
        public IntPtr CreateJob;            // 3
        public IntPtr GetJob;               // 4
        public IntPtr EnumJobs;             // 5
        public IntPtr GetErrorDescription;  // 6
    }

    [StructLayout(LayoutKind.Sequential)]
    struct IBackgroundCopyJobVtbl
    {
        public IUnknownVtbl Unknown;        // 0-2
        public IntPtr AddFileSet;           // 3
        public IntPtr AddFile;              // 4
        public IntPtr EnumFiles;            // 5
        public IntPtr Suspend;              // 6
        public IntPtr Resume;               // 7
        public IntPtr Cancel;               // 8
        public IntPtr Complete;             // 9
        public IntPtr GetId;                // 10
        public new IntPtr GetType;          // 11 (`new`: hides object.GetType)
        public IntPtr GetProgress;          // 12
        public IntPtr GetTimes;             // 13
        public IntPtr GetState;             // 14
        public IntPtr GetError;             // 15
        public IntPtr GetOwner;             // 16
        public IntPtr SetDisplayName;       // 17
        public IntPtr GetDisplayName;       // 18
        public IntPtr SetDescription;       // 19
        public IntPtr GetDescription;       // 20
        public IntPtr SetPriority;          // 21
        public IntPtr GetPriority;          // 22
        public IntPtr SetNotifyFlags;       // 23
        public IntPtr GetNotifyFlags;       // 24
        public IntPtr SetNotifyInterface;   // 25
        public IntPtr GetNotifyInterface;   // 26
        public IntPtr SetMinimumRetryDelay; // 27
        public IntPtr GetMinimumRetryDelay; // 28
        public IntPtr SetNoProgressTimeout; // 29
        public IntPtr GetNoProgressTimeout; // 30
        public IntPtr GetErrorCount;        // 31
        public IntPtr SetProxySettings;     // 32
        public IntPtr GetProxySettings;     // 33
        public IntPtr TakeOwnership;        // 34
    }

    // IBackgroundCopyJob5 = IBackgroundCopyJob's 35 slots, then those of Job2, Job3, Job4 and Job5.
    [StructLayout(LayoutKind.Sequential)]
    struct IBackgroundCopyJob5Vtbl
    {
        public IBackgroundCopyJobVtbl Job;      // 0-34
        public IntPtr SetNotifyCmdLine;         // 35 (Job2)
        public IntPtr GetNotifyCmdLine;         // 36
        public IntPtr GetReplyProgress;         // 37
        public IntPtr GetReplyData;             // 38
        public IntPtr SetReplyFileName;         // 39
        public IntPtr GetReplyFileName;         // 40
        public IntPtr SetCredentials;           // 41
        public IntPtr RemoveCredentials;        // 42
        public IntPtr ReplaceRemotePrefix;      // 43 (Job3)
        public IntPtr AddFileWithRanges;        // 44
        public IntPtr SetFileACLFlags;          // 45
        public IntPtr GetFileACLFlags;          // 46
        public IntPtr SetPeerCachingFlags;      // 47 (Job4)
        public IntPtr GetPeerCachingFlags;      // 48
        public IntPtr GetOwnerIntegrityLevel;   // 49
        public IntPtr GetOwnerElevationState;   // 50
        public IntPtr SetMaximumDownloadTime;   // 51
        public IntPtr GetMaximumDownloadTime;   // 52
        public IntPtr SetProperty;              // 53 (Job5)
        public IntPtr GetProperty;              // 54
    }

    [StructLayout(LayoutKind.Sequential)]
    struct IBackgroundCopyFileVtbl
    {
        public IUnknownVtbl Unknown;        // 0-2
        public IntPtr GetRemoteName;        // 3
        public IntPtr GetLocalName;         // 4
        public IntPtr GetProgress;          // 5
    }

    [StructLayout(LayoutKind.Sequential)]
    struct IBackgroundCopyErrorVtbl
    {
        public IUnknownVtbl Unknown;              // 0-2
        public IntPtr GetError;                   // 3
        public IntPtr GetFile;                    // 4
        public IntPtr GetErrorDescription;        // 5
        public IntPtr GetErrorContextDescription; // 6
        public IntPtr GetProtocol;                // 7
    }

    // IEnumBackgroundCopyJobs and IEnumBackgroundCopyFiles have the same shape.
    [StructLayout(LayoutKind.Sequential)]
    struct IEnumBackgroundCopyVtbl
    {
        public IUnknownVtbl Unknown;        // 0-2
        public IntPtr Next;                 // 3
        public IntPtr Skip;                 // 4
        public IntPtr Reset;                // 5
        public IntPtr Clone;                // 6
        public IntPtr GetCount;             // 7
    }

    [StructLayout(LayoutKind.Sequential)]
    struct IBackgroundCopyCallbackVtbl
    {
        public IUnknownVtbl Unknown;        // 0-2
        public IntPtr JobTransferred;       // 3
        public IntPtr JobError;             // 4
        public IntPtr JobModification;      // 5
    }

    // ------------------------------------------------------------------------------------------
    // Slot signatures. The library's methods use the platform C calling convention
    // (extern "system" is the SysV ABI on x86-64 and aarch64 Linux); `this` comes first.
    // ------------------------------------------------------------------------------------------

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int QueryInterfaceFn(IntPtr self, IntPtr riid, IntPtr ppv);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate uint AddRefFn(IntPtr self);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate uint ReleaseFn(IntPtr self);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int CreateJobFn(IntPtr self, [MarshalAs(UnmanagedType.LPWStr)] string displayName, int type,
                             out Guid jobId, out IntPtr job);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int GetJobFn(IntPtr self, ref Guid jobId, out IntPtr job);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int EnumJobsFn(IntPtr self, uint flags, out IntPtr enumerator);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int ManagerGetErrorDescriptionFn(IntPtr self, int hr, uint languageId, out IntPtr text);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int AddFileFn(IntPtr self, [MarshalAs(UnmanagedType.LPWStr)] string remoteUrl,
                           [MarshalAs(UnmanagedType.LPWStr)] string localName);
    /// Suspend, Resume, Cancel, Complete.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int ActionFn(IntPtr self);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int GetGuidFn(IntPtr self, out Guid id);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int GetJobProgressFn(IntPtr self, out BG_JOB_PROGRESS progress);
    /// GetState (BG_JOB_STATE), GetError's context, any 32-bit out value.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int GetInt32Fn(IntPtr self, out int value);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int SetUInt32Fn(IntPtr self, uint value);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int GetUInt32Fn(IntPtr self, out uint value);
    /// Any `[out] T **` slot: an interface pointer (GetError, EnumFiles, GetFile) or an LPWSTR
    /// (GetDisplayName, GetLocalName, GetProtocol).
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int GetPointerFn(IntPtr self, out IntPtr value);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int SetPointerFn(IntPtr self, IntPtr value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int ErrorGetErrorFn(IntPtr self, out int context, out int code);
    /// IBackgroundCopyError::GetErrorDescription and GetErrorContextDescription.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int ErrorGetTextFn(IntPtr self, uint languageId, out IntPtr text);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int GetFileProgressFn(IntPtr self, out BG_FILE_PROGRESS progress);

    /// IEnum*::Next, called with celt = 1.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int EnumNextFn(IntPtr self, uint celt, out IntPtr item, out uint fetched);

    // IBackgroundCopyJob5::SetProperty takes BITS_JOB_PROPERTY_VALUE (a 16-byte union) BY VALUE.
    // On x86-64 Linux (System V) a 16-byte union of integers travels in two registers, exactly as
    // two 64-bit arguments do, so it is declared as its low and high halves: marshalling the
    // union as a struct by value is where P/Invoke and the C ABI can disagree.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int SetJobPropertyFn(IntPtr self, int id, ulong valueLow, ulong valueHigh);

    // GetProperty writes the union through a pointer: 16 bytes.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int GetJobPropertyFn(IntPtr self, int id, out JobPropertyValue value);

    // IBackgroundCopyCallback's own slots (implemented in C#).
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int JobTransferredFn(IntPtr self, IntPtr job);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int JobErrorFn(IntPtr self, IntPtr job, IntPtr error);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int JobModificationFn(IntPtr self, IntPtr job, uint reserved);

    // ------------------------------------------------------------------------------------------
    // Calling through the vtables.
    // ------------------------------------------------------------------------------------------

    /// A failed HRESULT, with the method that returned it.
    sealed class ComException : Exception
    {
        public readonly int HResultCode;
        public readonly string Method;
        public ComException(string method, int hr)
            : base(method + " failed: " + HR.Format(hr))
        {
            Method = method;
            HResultCode = hr;
        }
    }

    static class Com
    {
        /// The function pointer in an interface's vtable, as a delegate of type T.
        public static T Fn<T>(IntPtr fn) where T : class
        {
            if (fn == IntPtr.Zero) throw new InvalidOperationException("empty vtable slot");
            return (T)(object)Marshal.GetDelegateForFunctionPointer(fn, typeof(T));
        }

        /// The vtable of an interface pointer, read into the struct TV.
        public static TV Vtbl<TV>(IntPtr obj) where TV : struct
        {
            return (TV)Marshal.PtrToStructure(Marshal.ReadIntPtr(obj), typeof(TV));
        }

        public static int Check(int hr, string method)
        {
            if (HR.Failed(hr)) throw new ComException(method, hr);
            return hr;
        }

        /// An LPWSTR the library allocated: copied into a managed string, then CoTaskMemFree'd.
        public static string TakeString(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            try { return Marshal.PtrToStringUni(p); }
            finally { Native.CoTaskMemFree(p); }
        }
    }

    /// One reference to an interface of the library, given back with Release by Dispose (once).
    /// Live counts the references this program holds, to prove at the end that none is left.
    abstract class ComRef : IDisposable
    {
        static int live;
        public static int Live { get { return Volatile.Read(ref live); } }

        IntPtr ptr;
        readonly string iface;

        protected ComRef(IntPtr p, string iface)
        {
            if (p == IntPtr.Zero) throw new ComException(iface + " (a NULL interface pointer)", HR.E_POINTER);
            ptr = p;
            this.iface = iface;
            Interlocked.Increment(ref live);
        }

        public IntPtr Ptr
        {
            get
            {
                IntPtr p = ptr;
                if (p == IntPtr.Zero) throw new ObjectDisposedException(iface);
                return p;
            }
        }

        protected TV Vtbl<TV>() where TV : struct { return Com.Vtbl<TV>(Ptr); }

        /// Takes a reference of its own on a pointer this program does not own (a callback argument).
        protected static IntPtr AddRef(IntPtr p)
        {
            IUnknownVtbl v = Com.Vtbl<IUnknownVtbl>(p);
            Com.Fn<AddRefFn>(v.AddRef)(p);
            return p;
        }

        public void Dispose()
        {
            IntPtr p = Interlocked.Exchange(ref ptr, IntPtr.Zero);
            if (p == IntPtr.Zero) return;
            IUnknownVtbl v = Com.Vtbl<IUnknownVtbl>(p);
            Com.Fn<ReleaseFn>(v.Release)(p);
            Interlocked.Decrement(ref live);
        }
    }

    sealed class Manager : ComRef
    {
        Manager(IntPtr p) : base(p, "IBackgroundCopyManager") { }

        IBackgroundCopyManagerVtbl V { get { return Vtbl<IBackgroundCopyManagerVtbl>(); } }

        public static Manager Create()
        {
            Guid clsid = Guids.CLSID_BackgroundCopyManager;
            Guid iid = Guids.IID_IBackgroundCopyManager;
            IntPtr p;
            Com.Check(Native.CoCreateInstance(ref clsid, IntPtr.Zero, Bits.CLSCTX_LOCAL_SERVER, ref iid, out p),
                      "CoCreateInstance(CLSID_BackgroundCopyManager, IID_IBackgroundCopyManager)");
            return new Manager(p);
        }

        public Job CreateJob(string displayName, out Guid id)
        {
            IntPtr job;
            Com.Check(Com.Fn<CreateJobFn>(V.CreateJob)(Ptr, displayName, Bits.BG_JOB_TYPE_DOWNLOAD, out id, out job),
                      "IBackgroundCopyManager::CreateJob");
            return new Job(job);
        }

        public Job GetJob(Guid id)
        {
            IntPtr job;
            Com.Check(Com.Fn<GetJobFn>(V.GetJob)(Ptr, ref id, out job), "IBackgroundCopyManager::GetJob");
            return new Job(job);
        }

        /// The caller's jobs (dwFlags 0).
        public JobEnumerator EnumJobs()
        {
            IntPtr e;
            Com.Check(Com.Fn<EnumJobsFn>(V.EnumJobs)(Ptr, 0, out e), "IBackgroundCopyManager::EnumJobs");
            return new JobEnumerator(e);
        }

        /// The library's text for an HRESULT, or null (this one never throws: it is for messages).
        public string GetErrorDescription(int hr)
        {
            IntPtr text;
            int r = Com.Fn<ManagerGetErrorDescriptionFn>(V.GetErrorDescription)(Ptr, hr, Bits.LANG_EN_US, out text);
            string s = Com.TakeString(text);
            return HR.Failed(r) || s == null ? null : s.Trim();
        }
    }

    sealed class Job : ComRef
    {
        public Job(IntPtr p) : base(p, "IBackgroundCopyJob") { }

        /// A reference of this program's own to a job pointer it was lent (a callback argument).
        public static Job Borrow(IntPtr p) { return new Job(AddRef(p)); }

        IBackgroundCopyJobVtbl V { get { return Vtbl<IBackgroundCopyJobVtbl>(); } }

        int Action(IntPtr slot, string name)
        {
            return Com.Check(Com.Fn<ActionFn>(slot)(Ptr), "IBackgroundCopyJob::" + name);
        }

        public void AddFile(string remoteUrl, string localName)
        {
            Com.Check(Com.Fn<AddFileFn>(V.AddFile)(Ptr, remoteUrl, localName), "IBackgroundCopyJob::AddFile");
        }

        public int Resume() { return Action(V.Resume, "Resume"); }
        public int Cancel() { return Action(V.Cancel, "Cancel"); }
        /// S_OK, or a success code such as BG_S_PARTIAL_COMPLETE.
        public int Complete() { return Action(V.Complete, "Complete"); }

        public Guid GetId()
        {
            Guid id;
            Com.Check(Com.Fn<GetGuidFn>(V.GetId)(Ptr, out id), "IBackgroundCopyJob::GetId");
            return id;
        }

        public int GetState()
        {
            int state;
            Com.Check(Com.Fn<GetInt32Fn>(V.GetState)(Ptr, out state), "IBackgroundCopyJob::GetState");
            return state;
        }

        public BG_JOB_PROGRESS GetProgress()
        {
            BG_JOB_PROGRESS p;
            Com.Check(Com.Fn<GetJobProgressFn>(V.GetProgress)(Ptr, out p), "IBackgroundCopyJob::GetProgress");
            return p;
        }

        public string GetDisplayName()
        {
            IntPtr s;
            Com.Check(Com.Fn<GetPointerFn>(V.GetDisplayName)(Ptr, out s), "IBackgroundCopyJob::GetDisplayName");
            return Com.TakeString(s);
        }

        /// The error object, or null when the job has none (BG_E_ERROR_INFORMATION_UNAVAILABLE:
        /// it is only there in ERROR and TRANSIENT_ERROR, and the state may change at any time).
        public CopyError GetError()
        {
            IntPtr e;
            int hr = Com.Fn<GetPointerFn>(V.GetError)(Ptr, out e);
            if (hr == HR.BG_E_ERROR_INFORMATION_UNAVAILABLE) return null;
            Com.Check(hr, "IBackgroundCopyJob::GetError");
            return new CopyError(e);
        }

        public uint GetErrorCount()
        {
            uint n;
            Com.Check(Com.Fn<GetUInt32Fn>(V.GetErrorCount)(Ptr, out n), "IBackgroundCopyJob::GetErrorCount");
            return n;
        }

        public void SetNotifyFlags(uint flags)
        {
            Com.Check(Com.Fn<SetUInt32Fn>(V.SetNotifyFlags)(Ptr, flags), "IBackgroundCopyJob::SetNotifyFlags");
        }

        public uint GetNotifyFlags()
        {
            uint flags;
            Com.Check(Com.Fn<GetUInt32Fn>(V.GetNotifyFlags)(Ptr, out flags), "IBackgroundCopyJob::GetNotifyFlags");
            return flags;
        }

        /// Registers a callback object (an IUnknown pointer); the library keeps its own reference.
        public void SetNotifyInterface(IntPtr unknown)
        {
            Com.Check(Com.Fn<SetPointerFn>(V.SetNotifyInterface)(Ptr, unknown), "IBackgroundCopyJob::SetNotifyInterface");
        }

        /// The same job as IBackgroundCopyJob5 (QueryInterface: a reference of its own).
        public Job5 QueryJob5()
        {
            IUnknownVtbl u = Com.Vtbl<IUnknownVtbl>(Ptr);
            IntPtr iid = Marshal.AllocHGlobal(16);
            IntPtr pp = Marshal.AllocHGlobal(IntPtr.Size);
            try
            {
                Marshal.Copy(Guids.IID_IBackgroundCopyJob5.ToByteArray(), 0, iid, 16);
                Marshal.WriteIntPtr(pp, IntPtr.Zero);
                Com.Check(Com.Fn<QueryInterfaceFn>(u.QueryInterface)(Ptr, iid, pp), "IBackgroundCopyJob::QueryInterface(IID_IBackgroundCopyJob5)");
                return new Job5(Marshal.ReadIntPtr(pp));
            }
            finally
            {
                Marshal.FreeHGlobal(pp);
                Marshal.FreeHGlobal(iid);
            }
        }

        public FileEnumerator EnumFiles()
        {
            IntPtr e;
            Com.Check(Com.Fn<GetPointerFn>(V.EnumFiles)(Ptr, out e), "IBackgroundCopyJob::EnumFiles");
            return new FileEnumerator(e);
        }
    }

    /// IBackgroundCopyJob5: the job's properties (BITS_JOB_PROPERTY_*).
    sealed class Job5 : ComRef
    {
        public Job5(IntPtr p) : base(p, "IBackgroundCopyJob5") { }

        IBackgroundCopyJob5Vtbl V { get { return Vtbl<IBackgroundCopyJob5Vtbl>(); } }

        public void SetDword(int id, uint value)
        {
            Com.Check(Com.Fn<SetJobPropertyFn>(V.SetProperty)(Ptr, id, value, 0), "IBackgroundCopyJob5::SetProperty(" + id + ")");
        }

        public void SetEnable(int id, bool value)
        {
            Com.Check(Com.Fn<SetJobPropertyFn>(V.SetProperty)(Ptr, id, value ? 1UL : 0UL, 0), "IBackgroundCopyJob5::SetProperty(" + id + ")");
        }

        JobPropertyValue Get(int id)
        {
            JobPropertyValue v;
            Com.Check(Com.Fn<GetJobPropertyFn>(V.GetProperty)(Ptr, id, out v), "IBackgroundCopyJob5::GetProperty(" + id + ")");
            return v;
        }

        public uint GetDword(int id) { return (uint)Get(id).Low; }

        public bool GetEnable(int id) { return (int)(uint)Get(id).Low != 0; }
    }

    sealed class CopyFile : ComRef
    {
        public CopyFile(IntPtr p) : base(p, "IBackgroundCopyFile") { }

        IBackgroundCopyFileVtbl V { get { return Vtbl<IBackgroundCopyFileVtbl>(); } }

        public string GetLocalName()
        {
            IntPtr s;
            Com.Check(Com.Fn<GetPointerFn>(V.GetLocalName)(Ptr, out s), "IBackgroundCopyFile::GetLocalName");
            return Com.TakeString(s);
        }

        public string GetRemoteName()
        {
            IntPtr s;
            Com.Check(Com.Fn<GetPointerFn>(V.GetRemoteName)(Ptr, out s), "IBackgroundCopyFile::GetRemoteName");
            return Com.TakeString(s);
        }

        public BG_FILE_PROGRESS GetProgress()
        {
            BG_FILE_PROGRESS p;
            Com.Check(Com.Fn<GetFileProgressFn>(V.GetProgress)(Ptr, out p), "IBackgroundCopyFile::GetProgress");
            return p;
        }
    }

    sealed class CopyError : ComRef
    {
        public CopyError(IntPtr p) : base(p, "IBackgroundCopyError") { }

        public static CopyError Borrow(IntPtr p) { return new CopyError(AddRef(p)); }

        IBackgroundCopyErrorVtbl V { get { return Vtbl<IBackgroundCopyErrorVtbl>(); } }

        public void GetError(out int context, out int code)
        {
            Com.Check(Com.Fn<ErrorGetErrorFn>(V.GetError)(Ptr, out context, out code), "IBackgroundCopyError::GetError");
        }

        public string GetErrorDescription()
        {
            IntPtr s;
            Com.Check(Com.Fn<ErrorGetTextFn>(V.GetErrorDescription)(Ptr, Bits.LANG_EN_US, out s),
                      "IBackgroundCopyError::GetErrorDescription");
            string text = Com.TakeString(s);
            return text == null ? null : text.Trim();
        }

        public string GetErrorContextDescription()
        {
            IntPtr s;
            Com.Check(Com.Fn<ErrorGetTextFn>(V.GetErrorContextDescription)(Ptr, Bits.LANG_EN_US, out s),
                      "IBackgroundCopyError::GetErrorContextDescription");
            string text = Com.TakeString(s);
            return text == null ? null : text.Trim();
        }

        /// "http" or "file"; null when the error was not a protocol error (BG_E_PROTOCOL_NOT_AVAILABLE).
        public string GetProtocol()
        {
            IntPtr s;
            int hr = Com.Fn<GetPointerFn>(V.GetProtocol)(Ptr, out s);
            if (hr == HR.BG_E_PROTOCOL_NOT_AVAILABLE) { Com.TakeString(s); return null; }
            Com.Check(hr, "IBackgroundCopyError::GetProtocol");
            return Com.TakeString(s);
        }

        /// The file involved; null when the error is not tied to a file (BG_E_FILE_NOT_AVAILABLE).
        public CopyFile GetFile()
        {
            IntPtr f;
            int hr = Com.Fn<GetPointerFn>(V.GetFile)(Ptr, out f);
            if (hr == HR.BG_E_FILE_NOT_AVAILABLE) return null;
            Com.Check(hr, "IBackgroundCopyError::GetFile");
            return new CopyFile(f);
        }

        /// Every line the error object can tell.
        public string Describe()
        {
            int context, code;
            GetError(out context, out code);
            var sb = new StringBuilder();
            sb.AppendLine("  code:     " + HR.Format(code));
            sb.AppendLine("  context:  " + Bits.ContextName(context));
            sb.AppendLine("  text:     " + Indent(GetErrorDescription()));
            sb.AppendLine("  where:    " + Indent(GetErrorContextDescription()));
            string protocol = GetProtocol();
            sb.AppendLine("  protocol: " + (protocol ?? "(none)"));
            using (CopyFile f = GetFile())
            {
                if (f != null) sb.AppendLine("  file:     " + f.GetRemoteName() + " -> " + f.GetLocalName());
            }
            return sb.ToString().TrimEnd();
        }

        /// The library's texts may have several lines: indent the ones after the first.
        static string Indent(string text)
        {
            if (text == null) return "(none)";
            return text.Replace("\r\n", "\n").Replace("\n", "\n            ");
        }
    }

    /// IEnumBackgroundCopyJobs / IEnumBackgroundCopyFiles.
    abstract class Enumerator<T> : ComRef where T : ComRef
    {
        readonly string name;
        protected Enumerator(IntPtr p, string name) : base(p, name) { this.name = name; }

        IEnumBackgroundCopyVtbl V { get { return Vtbl<IEnumBackgroundCopyVtbl>(); } }

        protected abstract T Wrap(IntPtr item);

        public uint GetCount()
        {
            uint n;
            Com.Check(Com.Fn<GetUInt32Fn>(V.GetCount)(Ptr, out n), name + "::GetCount");
            return n;
        }

        /// The next item (the caller disposes it), or null at the end (S_FALSE).
        public T Next()
        {
            IntPtr item;
            uint fetched;
            int hr = Com.Check(Com.Fn<EnumNextFn>(V.Next)(Ptr, 1, out item, out fetched), name + "::Next");
            if (hr != HR.S_OK || fetched != 1) return null;
            return Wrap(item);
        }
    }

    sealed class JobEnumerator : Enumerator<Job>
    {
        public JobEnumerator(IntPtr p) : base(p, "IEnumBackgroundCopyJobs") { }
        protected override Job Wrap(IntPtr item) { return new Job(item); }
    }

    sealed class FileEnumerator : Enumerator<CopyFile>
    {
        public FileEnumerator(IntPtr p) : base(p, "IEnumBackgroundCopyFiles") { }
        protected override CopyFile Wrap(IntPtr item) { return new CopyFile(item); }
    }

    // ------------------------------------------------------------------------------------------
    // Progress lines, from the callback threads and from polling (one line per change).
    // ------------------------------------------------------------------------------------------

    static class Progress
    {
        static readonly object Lock = new object();
        static string last;
        static readonly Stopwatch Clock = Stopwatch.StartNew();

        public static void Report(string source, int state, BG_JOB_PROGRESS p)
        {
            string total = p.BytesTotal == Bits.BG_SIZE_UNKNOWN ? "?" : p.BytesTotal.ToString(CultureInfo.InvariantCulture);
            string percent = p.BytesTotal == Bits.BG_SIZE_UNKNOWN || p.BytesTotal == 0
                ? "" : string.Format(CultureInfo.InvariantCulture, " ({0:0.0}%)", 100.0 * p.BytesTransferred / p.BytesTotal);
            string what = string.Format(CultureInfo.InvariantCulture, "{0,-15} {1}/{2} bytes{3}, files {4}/{5}",
                                        Bits.StateName(state), p.BytesTransferred, total, percent,
                                        p.FilesTransferred, p.FilesTotal);
            lock (Lock)
            {
                if (what == last) return;
                last = what;
                Say(string.Format(CultureInfo.InvariantCulture, "[{0,6:0.00}s] progress ({1,-8}) {2}",
                                  Clock.Elapsed.TotalSeconds, source, what));
            }
        }

        public static void Say(string line)
        {
            lock (Lock) { Console.Out.WriteLine(line); Console.Out.Flush(); }
        }
    }

    // ------------------------------------------------------------------------------------------
    // IBackgroundCopyCallback, implemented in C#.
    //
    // Native memory: the object is two pointers, [vtable][GCHandle of this C# object]; the
    // vtable (one per process) holds function pointers made from static delegates, which are
    // never collected. The object counts its references; the last Release frees the native
    // memory and the GCHandle. Methods run on library threads.
    // ------------------------------------------------------------------------------------------

    sealed class TransferCallback
    {
        static readonly QueryInterfaceFn QueryInterfaceDelegate = QueryInterface;
        static readonly AddRefFn AddRefDelegate = AddRef;
        static readonly ReleaseFn ReleaseDelegate = Release;
        static readonly JobTransferredFn JobTransferredDelegate = JobTransferred;
        static readonly JobErrorFn JobErrorDelegate = JobError;
        static readonly JobModificationFn JobModificationDelegate = JobModification;
        static readonly IntPtr Vtable = MakeVtable();

        static IntPtr MakeVtable()
        {
            var v = new IBackgroundCopyCallbackVtbl
            {
                Unknown = new IUnknownVtbl
                {
                    QueryInterface = Marshal.GetFunctionPointerForDelegate(QueryInterfaceDelegate),
                    AddRef = Marshal.GetFunctionPointerForDelegate(AddRefDelegate),
                    Release = Marshal.GetFunctionPointerForDelegate(ReleaseDelegate),
                },
                JobTransferred = Marshal.GetFunctionPointerForDelegate(JobTransferredDelegate),
                JobError = Marshal.GetFunctionPointerForDelegate(JobErrorDelegate),
                JobModification = Marshal.GetFunctionPointerForDelegate(JobModificationDelegate),
            };
            IntPtr p = Marshal.AllocHGlobal(Marshal.SizeOf(typeof(IBackgroundCopyCallbackVtbl)));
            Marshal.StructureToPtr(v, p, false);
            return p;
        }

        /// The IBackgroundCopyCallback (and IUnknown) pointer handed to the library.
        public readonly IntPtr Ptr;
        GCHandle self;
        int refs = 1; // the creator's reference

        public readonly ManualResetEvent Finished = new ManualResetEvent(false);
        public volatile bool Transferred;
        public volatile bool Failed;
        public volatile string ErrorText;
        int modifications;
        public int Modifications { get { return Volatile.Read(ref modifications); } }
        public int References { get { return Volatile.Read(ref refs); } }

        public TransferCallback()
        {
            self = GCHandle.Alloc(this);
            Ptr = Marshal.AllocHGlobal(2 * IntPtr.Size);
            Marshal.WriteIntPtr(Ptr, 0, Vtable);
            Marshal.WriteIntPtr(Ptr, IntPtr.Size, GCHandle.ToIntPtr(self));
        }

        static TransferCallback From(IntPtr p)
        {
            return (TransferCallback)GCHandle.FromIntPtr(Marshal.ReadIntPtr(p, IntPtr.Size)).Target;
        }

        static int QueryInterface(IntPtr p, IntPtr riid, IntPtr ppv)
        {
            try
            {
                if (ppv == IntPtr.Zero) return HR.E_POINTER;
                Marshal.WriteIntPtr(ppv, IntPtr.Zero);
                if (riid == IntPtr.Zero) return HR.E_INVALIDARG;
                var iid = (Guid)Marshal.PtrToStructure(riid, typeof(Guid));
                // One interface, so IUnknown and IBackgroundCopyCallback are the same pointer.
                // Callback2/Callback3 are not implemented: E_NOINTERFACE, and the library uses
                // the IBackgroundCopyCallback methods only.
                if (iid != Guids.IID_IUnknown && iid != Guids.IID_IBackgroundCopyCallback) return HR.E_NOINTERFACE;
                AddRef(p);
                Marshal.WriteIntPtr(ppv, p);
                return HR.S_OK;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("callback QueryInterface: " + e.Message);
                return HR.E_UNEXPECTED;
            }
        }

        static uint AddRef(IntPtr p)
        {
            return (uint)Interlocked.Increment(ref From(p).refs);
        }

        static uint Release(IntPtr p)
        {
            TransferCallback cb = From(p);
            int left = Interlocked.Decrement(ref cb.refs);
            if (left == 0)
            {
                // The last reference: free the native object and let the C# object go.
                Marshal.FreeHGlobal(cb.Ptr);
                cb.self.Free();
            }
            return (uint)Math.Max(left, 0);
        }

        // Every file arrived (the job is TRANSFERRED). The main thread calls Complete.
        static int JobTransferred(IntPtr p, IntPtr pJob)
        {
            TransferCallback cb = From(p);
            try
            {
                // pJob is lent for the call: a reference of our own while we use it.
                using (Job job = Job.Borrow(pJob)) Progress.Report("callback", job.GetState(), job.GetProgress());
                Progress.Say("JobTransferred: every file arrived");
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("JobTransferred: " + e.Message);
            }
            cb.Transferred = true;
            cb.Finished.Set();
            return HR.S_OK;
        }

        // The job went to ERROR: record why; the main thread cancels it.
        static int JobError(IntPtr p, IntPtr pJob, IntPtr pError)
        {
            TransferCallback cb = From(p);
            string text;
            try
            {
                using (CopyError err = CopyError.Borrow(pError)) text = err.Describe();
            }
            catch (Exception e)
            {
                text = "  (the error object could not be read: " + e.Message + ")";
            }
            Progress.Say("JobError: the job failed\n" + text);
            cb.ErrorText = text;
            cb.Failed = true;
            cb.Finished.Set();
            return HR.S_OK;
        }

        // Something changed (at most every 500 ms by default): show the progress.
        static int JobModification(IntPtr p, IntPtr pJob, uint reserved)
        {
            TransferCallback cb = From(p);
            Interlocked.Increment(ref cb.modifications);
            try
            {
                using (Job job = Job.Borrow(pJob)) Progress.Report("callback", job.GetState(), job.GetProgress());
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("JobModification: " + e.Message);
            }
            return HR.S_OK;
        }

        /// Gives back the creator's reference.
        public uint ReleaseOwn() { return Release(Ptr); }
    }

    // ------------------------------------------------------------------------------------------
    // The program.
    // ------------------------------------------------------------------------------------------

    static class Program
    {
        const string Usage =
            "usage: mono BitsSample.exe [--timeout SECONDS] URL LOCAL_PATH [EXPECTED_SIZE [EXPECTED_SHA256]]\n" +
            "  downloads URL to LOCAL_PATH (an absolute path) with a BITS job of libdeliveryopt.so";

        static Manager manager; // for error texts

        static int Main(string[] args)
        {
            int rc = Execute(args);
            Console.Out.Flush();
            Console.Error.Flush();
            // Mono, on exit, waits until every native thread that ever called into managed code
            // has ended. The library calls back on pooled threads that linger for a while (10 s)
            // after their last callback, so mono would sit idle that long. Everything is released
            // and flushed by now: under mono end the process the way a C program ends, with exit(3).
            // (.NET does not wait for such threads.)
            if (Type.GetType("Mono.Runtime") != null) Native.exit(rc);
            return rc;
        }

        static int Execute(string[] args)
        {
            double timeout = 60;
            var positional = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "-h" || args[i] == "--help") { Console.WriteLine(Usage); return 0; }
                if (args[i] == "--timeout" && i + 1 < args.Length &&
                    double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out timeout) && timeout > 0)
                {
                    i++;
                    continue;
                }
                if (args[i].StartsWith("--", StringComparison.Ordinal)) { Console.Error.WriteLine(Usage); return 2; }
                positional.Add(args[i]);
            }
            if (positional.Count < 2 || positional.Count > 4) { Console.Error.WriteLine(Usage); return 2; }
            string url = positional[0], local = positional[1];
            long expectedSize = -1;
            string expectedSha = positional.Count > 3 ? positional[3].ToLowerInvariant() : null;
            if (positional.Count > 2 &&
                (!long.TryParse(positional[2], NumberStyles.None, CultureInfo.InvariantCulture, out expectedSize)))
            {
                Console.Error.WriteLine("BitsSample: EXPECTED_SIZE must be a number of bytes");
                return 2;
            }
            if (!Path.IsPathRooted(local))
            {
                Console.Error.WriteLine("BitsSample: LOCAL_PATH must be absolute (BITS requires it): " + local);
                return 2;
            }

            int rc;
            TransferCallback callback = null;
            try
            {
                callback = new TransferCallback();
                rc = Run(url, local, expectedSize, expectedSha, timeout, callback);
            }
            catch (DllNotFoundException e)
            {
                Console.Error.WriteLine("BitsSample: cannot load libdeliveryopt.so (set LD_LIBRARY_PATH): " + e.Message);
                rc = 1;
            }
            catch (EntryPointNotFoundException e)
            {
                Console.Error.WriteLine("BitsSample: libdeliveryopt.so lacks an export: " + e.Message);
                rc = 1;
            }
            catch (ComException e)
            {
                string text = manager != null ? manager.GetErrorDescription(e.HResultCode) : null;
                Console.Error.WriteLine("BitsSample: " + e.Message + (text != null ? ": " + text : ""));
                rc = 1;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("BitsSample: " + e.GetType().Name + ": " + e.Message);
                rc = 1;
            }
            finally
            {
                if (manager != null) { manager.Dispose(); manager = null; }
            }
            if (callback != null && !ReleaseCallback(callback)) rc = 1;
            if (ComRef.Live != 0)
            {
                Console.Error.WriteLine("BitsSample: " + ComRef.Live + " interface reference(s) were not released");
                rc = 1;
            }
            Console.WriteLine(rc == 0 ? "BitsSample: OK" : "BitsSample: FAILED");
            return rc;
        }

        static int Run(string url, string local, long expectedSize, string expectedSha, double timeout,
                       TransferCallback callback)
        {
            manager = Manager.Create();
            Console.WriteLine("CoCreateInstance: IBackgroundCopyManager " + Hex(manager.Ptr));

            Guid id;
            using (Job job = manager.CreateJob("deliveryopt C# sample", out id))
            {
                Console.WriteLine("CreateJob: {" + id.ToString().ToUpperInvariant() + "} \"" + job.GetDisplayName() + "\"");
                bool finalState = false;
                try
                {
                    int rc = Transfer(job, id, url, local, timeout, callback, out finalState);
                    if (rc != 0) return rc;
                }
                finally
                {
                    // Leave no job behind: a job that did not reach a final state is cancelled.
                    if (!finalState) CancelQuietly(job);
                }
            }
            return Verify(local, expectedSize, expectedSha);
        }

        /// The job from AddFile to Complete. finalState tells whether the job ended (ACKNOWLEDGED or CANCELLED).
        static int Transfer(Job job, Guid id, string url, string local, double timeout, TransferCallback callback,
                           out bool finalState)
        {
            finalState = false;
            job.AddFile(url, local);
            Console.WriteLine("AddFile: " + url + " -> " + local);

            // GetJob finds the same job by its id; EnumJobs lists it.
            using (Job again = manager.GetJob(id))
            {
                if (again.GetId() != id) throw new InvalidOperationException("GetJob returned another job");
                Console.WriteLine("GetJob: found the job again by its id");
            }
            using (JobEnumerator jobs = manager.EnumJobs())
            {
                uint count = jobs.GetCount();
                bool listed = false;
                for (Job j = jobs.Next(); j != null; j = jobs.Next())
                {
                    using (j) listed |= j.GetId() == id;
                }
                Console.WriteLine("EnumJobs: " + count + " job(s), this one " + (listed ? "listed" : "NOT listed"));
                if (!listed) return 1;
            }

            job.SetNotifyFlags(Bits.BG_NOTIFY_JOB_TRANSFERRED | Bits.BG_NOTIFY_JOB_ERROR | Bits.BG_NOTIFY_JOB_MODIFICATION);
            job.SetNotifyInterface(callback.Ptr);
            Console.WriteLine("SetNotifyFlags 0x" + job.GetNotifyFlags().ToString("X") +
                              ", SetNotifyInterface: the C# callback (the library now holds " +
                              (callback.References - 1) + " reference(s) to it)");

            // Job5 properties: progress callbacks at most every 250 ms (instead of 500), and what
            // the job says about its cost flags and high-performance mode.
            using (Job5 job5 = job.QueryJob5())
            {
                job5.SetDword(Bits.BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS, 250);
                Console.WriteLine("IBackgroundCopyJob5: MINIMUM_NOTIFICATION_INTERVAL_MS " +
                                  job5.GetDword(Bits.BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS) +
                                  ", COST_FLAGS 0x" + job5.GetDword(Bits.BITS_JOB_PROPERTY_ID_COST_FLAGS).ToString("X8") +
                                  ", HIGH_PERFORMANCE " + job5.GetEnable(Bits.BITS_JOB_PROPERTY_HIGH_PERFORMANCE));
            }

            var clock = Stopwatch.StartNew();
            job.Resume();
            Console.WriteLine("Resume: transferring");

            // Wait for JobTransferred / JobError; poll GetState and GetProgress meanwhile, and
            // carry on from GetState if a final callback does not come.
            double endSeenAt = -1;
            int state = Bits.QUEUED;
            uint errorsShown = 0;
            while (!callback.Finished.WaitOne(200))
            {
                state = job.GetState();
                Progress.Report("poll", state, job.GetProgress());
                double now = clock.Elapsed.TotalSeconds;
                if (state == Bits.TRANSIENT_ERROR)
                {
                    uint errors = job.GetErrorCount();
                    if (errors != errorsShown)
                    {
                        errorsShown = errors;
                        using (CopyError err = job.GetError())
                        {
                            if (err != null)
                                Progress.Say("transient error #" + errors + " (the library retries the job):\n" + err.Describe());
                        }
                    }
                }
                if (state == Bits.TRANSFERRED || state == Bits.ERROR)
                {
                    if (endSeenAt < 0) endSeenAt = now;
                    else if (now - endSeenAt > 5)
                    {
                        Progress.Say("no callback 5 s after GetState said " + Bits.StateName(state) + ": going on from GetState");
                        break;
                    }
                }
                if (now > timeout)
                {
                    Console.Error.WriteLine("BitsSample: no JobTransferred/JobError after " + timeout +
                                            " s (state " + Bits.StateName(state) + "): cancelling");
                    job.Cancel();
                    finalState = true;
                    return 1;
                }
            }

            bool transferred = callback.Transferred || (!callback.Failed && job.GetState() == Bits.TRANSFERRED);
            if (!transferred)
            {
                if (!callback.Failed)
                {
                    using (CopyError err = job.GetError())
                        Console.Error.WriteLine("the job failed:\n" + (err != null ? err.Describe() : "  (no error information)"));
                }
                Console.Error.WriteLine("BitsSample: the download failed: cancelling the job");
                int c = job.Cancel();
                finalState = true;
                Console.WriteLine("Cancel: " + HR.Format(c));
                return 1;
            }
            Progress.Report("final", job.GetState(), job.GetProgress());
            int hr = job.Complete();
            finalState = true;
            state = job.GetState();
            Console.WriteLine("Complete: " + HR.Format(hr) + ", state " + Bits.StateName(state) + " after " +
                              clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s, " +
                              callback.Modifications + " JobModification call(s)");
            if (hr != HR.S_OK || state != Bits.ACKNOWLEDGED)
            {
                Console.Error.WriteLine("BitsSample: expected S_OK and ACKNOWLEDGED from Complete");
                return 1;
            }

            // What the job says about its file.
            using (FileEnumerator files = job.EnumFiles())
            {
                for (CopyFile f = files.Next(); f != null; f = files.Next())
                {
                    using (f)
                    {
                        BG_FILE_PROGRESS p = f.GetProgress();
                        Console.WriteLine("EnumFiles: " + f.GetLocalName() + ": " + p.BytesTransferred + "/" + p.BytesTotal +
                                          " bytes, " + (p.Completed != 0 ? "completed" : "NOT completed"));
                        if (p.Completed == 0) return 1;
                    }
                }
            }
            return 0;
        }

        static int Verify(string local, long expectedSize, string expectedSha)
        {
            if (!File.Exists(local))
            {
                Console.Error.WriteLine("BitsSample: " + local + " does not exist after Complete");
                return 1;
            }
            long size = new FileInfo(local).Length;
            string sha;
            using (var stream = File.OpenRead(local))
            using (var hash = SHA256.Create())
            {
                sha = BitConverter.ToString(hash.ComputeHash(stream)).Replace("-", "").ToLowerInvariant();
            }
            bool ok = (expectedSize < 0 || size == expectedSize) && (expectedSha == null || sha == expectedSha);
            Console.WriteLine("verify: " + local + ": " + size + " bytes" +
                              (expectedSize < 0 ? "" : " (expected " + expectedSize + ")") + ", sha256 " + sha +
                              (expectedSha == null ? "" : (sha == expectedSha ? " (matches)" : " (expected " + expectedSha + ")")) +
                              (ok ? ": OK" : ": MISMATCH"));
            return ok ? 0 : 1;
        }

        static void CancelQuietly(Job job)
        {
            try
            {
                int state = job.GetState();
                if (state == Bits.ACKNOWLEDGED || state == Bits.CANCELLED) return;
                Console.WriteLine("Cancel (cleanup): " + HR.Format(job.Cancel()));
            }
            catch (ComException e)
            {
                Console.Error.WriteLine("BitsSample: cleanup: " + e.Message);
            }
        }

        /// The library gives its reference to the callback back once the job has ended; then the
        /// creator's reference goes, and the object is freed.
        static bool ReleaseCallback(TransferCallback callback)
        {
            var clock = Stopwatch.StartNew();
            while (callback.References > 1 && clock.Elapsed.TotalSeconds < 5) Thread.Sleep(10);
            int held = callback.References - 1;
            if (held > 0)
            {
                Console.Error.WriteLine("BitsSample: the library still holds " + held + " reference(s) to the callback");
                return false;
            }
            uint left = callback.ReleaseOwn();
            Console.WriteLine("references: every interface pointer released; the callback's last Release returned " + left);
            return left == 0;
        }

        static string Hex(IntPtr p) { return "0x" + p.ToInt64().ToString("x"); }
    }
}
