using OpenCvSharp;

namespace MoSiC.Stream.Stages.Track.LucasKanade;

/// <summary>Turns a failure to load OpenCV's native runtime into an error that says which system package is missing.</summary>
public static class OpenCvRuntime
{
    private static readonly Lazy<string?> LoadError = new(() =>
    {
        try
        {
            _ = Cv2.GetVersionString();
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            string detail = (e.InnerException ?? e).Message;
            return "OpenCV's native runtime (libOpenCvSharpExtern.so, from OpenCvSharp4.official.runtime.linux-x64) could not be loaded: "
                + detail + ". It links against GTK 3: on Debian/Ubuntu run `apt-get install -y libgtk-3-0` (scripts/setup.sh does).";
        }
    });

    /// <summary>OpenCV's version, e.g. 4.13.0; throws <see cref="InvalidOperationException"/> with the fix when it cannot load.</summary>
    public static string EnsureLoaded() =>
        LoadError.Value is { } message ? throw new InvalidOperationException(message) : Cv2.GetVersionString() ?? "unknown";
}
