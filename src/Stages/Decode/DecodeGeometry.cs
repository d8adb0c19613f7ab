using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Stages.Decode;

/// <summary>The output frame size the decode options give for a video of a given display size.</summary>
public static class DecodeGeometry
{
    /// <summary>Output (width, height) for a <paramref name="displayWidth"/> × <paramref name="displayHeight"/> video (rotation applied).</summary>
    public static (int Width, int Height) OutputSize(DecodeOptions options, int displayWidth, int displayHeight)
    {
        switch (options.Resize)
        {
            case ResizeMode.Stretch:
                return (options.Width!.Value, options.Height!.Value);
            case ResizeMode.ShortSide:
            {
                var side = options.ShortSide!.Value;
                return displayWidth <= displayHeight
                    ? (side, Scale(displayHeight, side, displayWidth))
                    : (Scale(displayWidth, side, displayHeight), side);
            }
            case ResizeMode.Fit:
            {
                var scale = Math.Min(options.Width!.Value / (double)displayWidth, options.Height!.Value / (double)displayHeight);
                return (Math.Max(1, (int)Math.Round(displayWidth * scale)), Math.Max(1, (int)Math.Round(displayHeight * scale)));
            }
            default:
                return (displayWidth, displayHeight);
        }
    }

    private static int Scale(int length, int target, int reference) => Math.Max(1, (int)Math.Round(length * (double)target / reference));
}
