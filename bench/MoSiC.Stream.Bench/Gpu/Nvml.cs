using System.Runtime.InteropServices;
using System.Text;

namespace MoSiC.Stream.Bench.Gpu;

/// <summary>
/// The few NVML calls the GPU check needs (the driver's <c>libnvidia-ml.so.1</c>): the card's name, driver version,
/// total and used memory. TorchSharp 0.107 exposes neither the device name nor the caching allocator's statistics, so
/// memory is read as the device's used memory (CUDA context + what LibTorch's caching allocator holds, which it never
/// returns without <c>empty_cache</c>): after a run it is that run's peak reservation plus the context.
/// Every member answers null when NVML is not there (CPU machines, the dry run).
/// </summary>
internal static class Nvml
{
    private const string Library = "libnvidia-ml.so.1";
    private static readonly Lazy<IntPtr> Device = new(Open);

    /// <summary>Whether NVML loaded and answered for GPU 0.</summary>
    public static bool Available => Device.Value != IntPtr.Zero;

    /// <summary>The card's marketing name (e.g. "NVIDIA H100 80GB HBM3"), or null.</summary>
    public static string? Name()
    {
        if (!Available) return null;
        var buffer = new byte[96];
        return nvmlDeviceGetName(Device.Value, buffer, (uint)buffer.Length) == 0 ? CString(buffer) : null;
    }

    /// <summary>The driver version, or null.</summary>
    public static string? DriverVersion()
    {
        if (!Available) return null;
        var buffer = new byte[96];
        return nvmlSystemGetDriverVersion(buffer, (uint)buffer.Length) == 0 ? CString(buffer) : null;
    }

    /// <summary>Total and used device memory in bytes, or null.</summary>
    public static (long Total, long Used)? Memory()
    {
        if (!Available) return null;
        return nvmlDeviceGetMemoryInfo(Device.Value, out MemoryInfo info) == 0 ? ((long)info.Total, (long)info.Used) : null;
    }

    private static IntPtr Open()
    {
        try
        {
            if (!NativeLibrary.TryLoad(Library, out _)) return IntPtr.Zero;
            if (nvmlInit_v2() != 0) return IntPtr.Zero;
            return nvmlDeviceGetHandleByIndex_v2(0, out IntPtr device) == 0 ? device : IntPtr.Zero;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return IntPtr.Zero;
        }
    }

    private static string CString(byte[] buffer)
    {
        int end = Array.IndexOf(buffer, (byte)0);
        return Encoding.ASCII.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MemoryInfo
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [DllImport(Library)]
    private static extern int nvmlInit_v2();

    [DllImport(Library)]
    private static extern int nvmlDeviceGetHandleByIndex_v2(uint index, out IntPtr device);

    [DllImport(Library)]
    private static extern int nvmlDeviceGetName(IntPtr device, [Out] byte[] name, uint length);

    [DllImport(Library)]
    private static extern int nvmlSystemGetDriverVersion([Out] byte[] version, uint length);

    [DllImport(Library)]
    private static extern int nvmlDeviceGetMemoryInfo(IntPtr device, out MemoryInfo memory);
}
