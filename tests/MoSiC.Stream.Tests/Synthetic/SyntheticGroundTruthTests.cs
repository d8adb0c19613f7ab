using MoSiC.Stream.Synthetic;

namespace MoSiC.Stream.Tests.Synthetic;

[Collection(SyntheticCorpusCollection.Name)]
public sealed class SyntheticGroundTruthTests(SyntheticCorpusFixture corpus)
{
    private IEnumerable<(SyntheticVideoEntry Video, SyntheticTracks Tracks)> Videos =>
        corpus.ManifestA.Videos.Select(v => (v, SyntheticTracks.Read(Path.Combine(corpus.DirA, v.Tracks))));

    [SkippableFact]
    public void Masks_are_palette_pngs_with_the_davis_palette_and_valid_labels()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        foreach (SyntheticVideoEntry video in corpus.ManifestA.Videos)
        {
            PalettePng[] masks = SyntheticCorpusFixture.ReadMasks(corpus.DirA, video);
            Assert.Equal(video.Frames, masks.Length);
            Assert.Equal(video.Frames, Directory.GetFiles(Path.Combine(corpus.DirA, video.Annotations), "*.png").Length);
            PalettePng first = masks[0];
            Assert.Equal((video.Width, video.Height), (first.Width, first.Height));
            Assert.Equal(new byte[] { 0, 0, 0, 128, 0, 0, 0, 128, 0, 128, 128, 0, 0, 0, 128, 128, 0, 128 }, first.Palette[..18]);
            Assert.Equal(768, first.Palette.Length);
            Assert.All(masks, m => Assert.All(m.Indices, i => Assert.InRange(i, 0, video.Objects)));
            // The stored indices are the labels the renderer produced.
            var rendered = new byte[video.Width * video.Height];
            SyntheticVideo.Create(SyntheticCorpusFixture.Options, int.Parse(video.Name[^4..])).RenderFrame(3, new byte[rendered.Length * 3], rendered);
            Assert.Equal(rendered, masks[3].Indices);
        }
    }

    [SkippableFact]
    public void Tracks_file_has_the_documented_shape()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        foreach ((SyntheticVideoEntry video, SyntheticTracks tracks) in Videos)
        {
            Assert.Equal((video.Name, 320, 240, 24, video.Frames), (tracks.Video, tracks.Width, tracks.Height, tracks.Fps, tracks.Frames));
            Assert.Equal(SyntheticTracks.PixelCentres, tracks.Coordinates);
            Assert.Equal(SyntheticCorpusFixture.Options.TrackPoints, tracks.Count);
            Assert.Contains(0, tracks.Object);
            // Every object visible on frame 0 carries query points, and all of them are visible there.
            byte[] first = PalettePng.Read(Path.Combine(corpus.DirA, video.Annotations, "00000.png")).Indices;
            foreach (int label in first.Distinct().Where(l => first.Count(x => x == l) >= 16))
            {
                Assert.Contains(label, tracks.Object);
            }

            Assert.All(tracks.Occluded, o => Assert.False(o[0]));
        }
    }

    [SkippableFact]
    public void Visible_points_lie_on_their_own_label_in_the_masks()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        foreach ((SyntheticVideoEntry video, SyntheticTracks tracks) in Videos)
        {
            PalettePng[] masks = SyntheticCorpusFixture.ReadMasks(corpus.DirA, video);
            int visible = 0, exact = 0, hiddenInFrame = 0, hiddenOffLabel = 0;
            for (int p = 0; p < tracks.Count; p++)
            {
                for (int t = 0; t < tracks.Frames; t++)
                {
                    Point2 at = tracks.At(p, t);
                    int x = (int)Math.Floor(at.X + 0.5), y = (int)Math.Floor(at.Y + 0.5);
                    bool inFrame = x >= 0 && x < video.Width && y >= 0 && y < video.Height;
                    if (!tracks.Occluded[p][t])
                    {
                        Assert.True(inFrame, $"{video.Name} point {p} frame {t} is visible at {at} outside the frame");
                        visible++;
                        if (masks[t][x, y] == tracks.Object[p])
                        {
                            exact++;
                        }
                        else
                        {
                            Assert.True(Near(masks[t], x, y, tracks.Object[p]), $"{video.Name} point {p} (label {tracks.Object[p]}) frame {t} at {at}: no such label within 1 px");
                        }
                    }
                    else if (inFrame && tracks.Object[p] != 0)
                    {
                        hiddenInFrame++;
                        hiddenOffLabel += masks[t][x, y] != tracks.Object[p] ? 1 : 0;
                    }
                }
            }

            Assert.True(exact >= 0.99 * visible, $"{video.Name}: {exact} of {visible} visible points on their exact pixel");
            Assert.True(hiddenOffLabel >= 0.9 * hiddenInFrame, $"{video.Name}: {hiddenOffLabel} of {hiddenInFrame} occluded object points covered in the mask");
        }
    }

    [SkippableFact]
    public void Objects_occlude_each_other_and_leave_and_reenter_the_frame()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        int objectsCoveredByObjects = 0;
        foreach ((SyntheticVideoEntry video, SyntheticTracks tracks) in Videos)
        {
            bool InFrame(int p, int t)
            {
                Point2 at = tracks.At(p, t);
                return at.X >= -0.5 && at.X < video.Width - 0.5 && at.Y >= -0.5 && at.Y < video.Height - 0.5;
            }

            int coveredObjectPoints = Enumerable.Range(0, tracks.Count)
                .Count(p => tracks.Object[p] != 0 && Enumerable.Range(0, tracks.Frames).Any(t => tracks.Occluded[p][t] && InFrame(p, t)));
            int coveredBackgroundPoints = Enumerable.Range(0, tracks.Count)
                .Count(p => tracks.Object[p] == 0 && Enumerable.Range(0, tracks.Frames).Any(t => tracks.Occluded[p][t] && InFrame(p, t)));
            int reentering = Enumerable.Range(0, tracks.Count).Count(p =>
            {
                int left = Enumerable.Range(0, tracks.Frames).FirstOrDefault(t => !InFrame(p, t), -1);
                return left > 0 && Enumerable.Range(left, tracks.Frames - left).Any(t => InFrame(p, t) && !tracks.Occluded[p][t]);
            });
            Assert.True(coveredBackgroundPoints > 0, $"{video.Name}: no background point is ever covered");
            Assert.True(reentering > 0, $"{video.Name}: no point leaves the frame and comes back");
            objectsCoveredByObjects += coveredObjectPoints;
            Assert.All(Enumerable.Range(0, tracks.Count).Where(p => Enumerable.Range(0, tracks.Frames).Any(t => !InFrame(p, t))),
                p => Assert.True(Enumerable.Range(0, tracks.Frames).Where(t => !InFrame(p, t)).All(t => tracks.Occluded[p][t])));
        }

        Assert.True(objectsCoveredByObjects > 0, "no object point is ever covered by another object");
    }

    [SkippableFact]
    public void Objects_move_rotate_and_scale_rather_than_just_translate()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        double largestRotation = 0, largestScaleChange = 0;
        foreach ((SyntheticVideoEntry video, SyntheticTracks tracks) in Videos)
        {
            foreach (int label in tracks.Object.Distinct().Where(l => l != 0))
            {
                int[] points = Enumerable.Range(0, tracks.Count).Where(p => tracks.Object[p] == label).ToArray();
                if (points.Length < 3)
                {
                    continue;
                }

                double worstTranslationResidual = 0;
                for (int t = 1; t < tracks.Frames; t++)
                {
                    Motion m = Fit(tracks, points, t);
                    worstTranslationResidual = Math.Max(worstTranslationResidual, m.TranslationResidual);
                    largestRotation = Math.Max(largestRotation, Math.Abs(m.Rotation));
                    largestScaleChange = Math.Max(largestScaleChange, Math.Abs(m.Scale - 1));
                }

                Assert.True(worstTranslationResidual > 1, $"{video.Name} object {label} only translates (residual {worstTranslationResidual:F2} px)");
            }
        }

        Assert.True(largestRotation > 0.1, $"largest rotation {largestRotation:F3} rad");
        Assert.True(largestScaleChange > 0.05, $"largest scale change {largestScaleChange:F3}");
    }

    private readonly record struct Motion(double TranslationResidual, double Rotation, double Scale);

    /// <summary>Frame 0 → frame t: RMS error of the best pure translation, and the best similarity's rotation and scale.</summary>
    private static Motion Fit(SyntheticTracks tracks, int[] points, int t)
    {
        Point2 c0 = Centroid(tracks, points, 0), ct = Centroid(tracks, points, t);
        double residual = 0, dot = 0, cross = 0, norm0 = 0;
        foreach (int p in points)
        {
            Point2 a = tracks.At(p, 0), b = tracks.At(p, t);
            double ax = a.X - c0.X, ay = a.Y - c0.Y, bx = b.X - ct.X, by = b.Y - ct.Y;
            residual += (bx - ax) * (bx - ax) + (by - ay) * (by - ay);
            dot += ax * bx + ay * by;
            cross += ax * by - ay * bx;
            norm0 += ax * ax + ay * ay;
        }

        return new Motion(Math.Sqrt(residual / points.Length), Math.Atan2(cross, dot), Math.Sqrt(dot * dot + cross * cross) / norm0);
    }

    private static Point2 Centroid(SyntheticTracks tracks, int[] points, int t) =>
        new(points.Average(p => tracks.At(p, t).X), points.Average(p => tracks.At(p, t).Y));

    private static bool Near(PalettePng mask, int x, int y, int label)
    {
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                int nx = x + dx, ny = y + dy;
                if (nx >= 0 && nx < mask.Width && ny >= 0 && ny < mask.Height && mask[nx, ny] == label)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
