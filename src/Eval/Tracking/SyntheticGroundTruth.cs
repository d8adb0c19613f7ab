using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Synthetic;

namespace MoSiC.Stream.Eval.Tracking;

/// <summary>Dense ground truth of a synthetic video (tracks/NAME.json): every frame annotated, occlusion from the renderer.</summary>
public static class SyntheticGroundTruth
{
    public static TrackingGroundTruth Read(string tracksPath, string videoPath)
    {
        SyntheticTracks tracks = SyntheticTracks.Read(tracksPath);
        int frames = tracks.Frames, n = tracks.Count;
        var points = new float[n * frames * 2];
        var occluded = new bool[n * frames];
        for (int p = 0; p < n; p++)
        {
            for (int t = 0; t < frames; t++)
            {
                int cell = p * frames + t;
                points[2 * cell] = (float)tracks.Points[p][t][0];
                points[2 * cell + 1] = (float)tracks.Points[p][t][1];
                occluded[cell] = tracks.Occluded[p][t];
            }
        }

        var annotated = new bool[n * frames];
        Array.Fill(annotated, true);
        return TrackingGroundTruth.Create(tracks.Video, "synthetic", VideoSource.FromFile(videoPath), tracks.Width, tracks.Height, frames,
            points, occluded, annotated, objects: tracks.Object);
    }
}
