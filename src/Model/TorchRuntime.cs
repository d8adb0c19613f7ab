using System.Runtime.InteropServices;
using MoSiC.Stream.Core.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model;

/// <summary>
/// One place that brings up LibTorch (through TorchSharp) and sets its thread budget.
/// </summary>
public static class TorchRuntime
{
    /// <summary>README section that explains the GLIBCXX_3.4.32 load failure and the build's fix.</summary>
    public const string ReadmeSection = "TorchSharp on older glibc/libstdc++";

    private const string NativeWrapper = "libLibTorchSharp.so";
    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>
    /// Loads libtorch and TorchSharp's native wrapper and initialises the CPU device. Idempotent.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The native libraries cannot be loaded. The message says why, as far as the loader tells:
    /// on Debian 12 and other distributions whose libstdc++ predates GCC 13 the usual cause is
    /// libLibTorchSharp.so requiring GLIBCXX_3.4.32, which the build only relaxes in its own output.
    /// </exception>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded)
                return;
            try
            {
                InitializeDeviceType(DeviceType.CPU);
                using var probe = ones(1);
            }
            catch (Exception ex) when (ex is NotSupportedException or DllNotFoundException
                                           or TypeInitializationException or EntryPointNotFoundException
                                           or BadImageFormatException)
            {
                throw new InvalidOperationException(Explain(ex), ex);
            }
            _loaded = true;
        }
    }

    /// <summary>Whether TorchSharp sees a CUDA device (the CUDA LibTorch package is referenced and a driver and GPU are there); loads LibTorch.</summary>
    public static bool CudaVisible()
    {
        EnsureLoaded();
        return cuda.is_available();
    }

    /// <summary>The TorchSharp device for a resolved <see cref="ComputeDevice"/>.</summary>
    public static Device ToTorch(this ComputeDevice device) => device == ComputeDevice.Cuda ? CUDA : CPU;

    /// <summary>
    /// Sets LibTorch's intra-op thread pool size (<c>torch.set_num_threads</c>).
    /// </summary>
    /// <remarks>
    /// The target machine has 2 cores shared by ffmpeg decoding, OpenCV and LibTorch. LibTorch's
    /// default is one intra-op thread per core, which oversubscribes the CPU while ffmpeg and
    /// OpenCV are busy and makes inference latency jittery; the pipeline sets an explicit budget
    /// (typically 1) instead. Inter-op threads are left alone: LibTorch only allows setting them
    /// once, before any parallel work.
    /// </remarks>
    public static void SetThreads(int intraOp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOp, 1);
        EnsureLoaded();
        set_num_threads(intraOp);
    }

    /// <summary>The intra-op thread count LibTorch currently uses.</summary>
    public static int Threads
    {
        get
        {
            EnsureLoaded();
            return get_num_threads();
        }
    }

    private static string Explain(Exception ex)
    {
        // TorchSharp's own message ("... doesn't contain a reference to libtorch-cpu-linux-x64")
        // hides the real cause; loading the wrapper directly gets the dynamic loader's text.
        string wrapper = Path.Combine(AppContext.BaseDirectory, NativeWrapper);
        string? loaderError = null;
        if (File.Exists(wrapper))
        {
            try
            {
                NativeLibrary.Free(NativeLibrary.Load(wrapper));
            }
            catch (DllNotFoundException dlex)
            {
                loaderError = dlex.Message;
            }
        }

        string? versionLine = loaderError?.Split('\n')
            .Select(l => l.Trim())
            .FirstOrDefault(l => l.Contains("GLIBCXX", StringComparison.Ordinal));
        string cause;
        if (versionLine is not null)
        {
            cause = $"The dynamic loader says: {versionLine}. " +
                    "TorchSharp 0.107.0's wrapper requires GLIBCXX_3.4.32 (GCC 13) for a symbol it never calls, " +
                    "and this system's libstdc++ is older. The build marks that requirement weak in its output copy " +
                    "when the build machine's libstdc++ lacks it; this copy is unpatched (built on a newer system, " +
                    "copied from the NuGet cache, or built with MoSiCElfWeakGlibcxx=never). Rebuild here, " +
                    $"and check with: readelf -V {wrapper} | grep GLIBCXX_3.4.32 (Flags: WEAK).";
        }
        else if (loaderError is not null)
        {
            cause = $"The dynamic loader rejected {wrapper}: {loaderError.Trim()}";
        }
        else
        {
            cause = $"TorchSharp could not load its native libraries ({ex.GetBaseException().Message.Split('\n')[0]}). " +
                    "On older distributions (e.g. Debian 12) a frequent cause is libLibTorchSharp.so requiring GLIBCXX_3.4.32.";
        }
        return $"LibTorch failed to load. {cause} See README section \"{ReadmeSection}\".";
    }
}
