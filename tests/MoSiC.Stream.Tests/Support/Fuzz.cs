using System.Buffers.Binary;
using System.Diagnostics;
using Xunit.Abstractions;

namespace MoSiC.Stream.Tests.Support;

/// <summary>
/// Seeded, bounded fuzzing of the file formats we read from others (issue #19): each case mutates an honest file one
/// to three ways and must end as the reader's own answer (a specific exception type, a problem record, or an honest
/// read) without a runaway allocation. The suite runs a few hundred cases per format and asserts nothing about time
/// (a unit test must not depend on the machine's load); it reports the slowest case. <c>MOSIC_FUZZ_CASES=N</c> runs N
/// (the long run, docs/security.md), which also holds every case to <see cref="CaseLimit"/>; <c>MOSIC_FUZZ_SEED=S</c>
/// picks another seed.
/// A failing case names its seed and number, so it reproduces alone.
/// </summary>
internal static class Fuzz
{
    public const string CasesVariable = "MOSIC_FUZZ_CASES", SeedVariable = "MOSIC_FUZZ_SEED";

    /// <summary>The longest one case of the long run may take (generous: it shares two cores with builds).</summary>
    public static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(10);

    /// <summary>Managed bytes one case may allocate (the honest inputs are a few MB; a reader sized by a forged field takes GBs).</summary>
    public const long CaseBytes = 512L << 20;

    public static int Cases(int quick) => int.TryParse(Environment.GetEnvironmentVariable(CasesVariable), out int n) && n > 0 ? n : quick;

    /// <summary>Whether this is the long run (<see cref="CasesVariable"/> set), the only one with a time limit per case.</summary>
    public static bool Long => Environment.GetEnvironmentVariable(CasesVariable) is not null;

    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), out int s) ? s : 19;

    /// <summary>
    /// Runs <paramref name="cases"/> cases of <paramref name="format"/>: <paramref name="one"/> gets the case's random
    /// source and returns its outcome (a short label). Outcomes are tallied to the test output; any exception escaping a
    /// case, a case of the long run past <see cref="CaseLimit"/>, or one over <see cref="CaseBytes"/> fails the test naming the case.
    /// </summary>
    public static async Task RunAsync(ITestOutputHelper output, string format, int cases, Func<Random, int, Task<string>> one)
    {
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var total = Stopwatch.StartNew();
        TimeSpan slowest = TimeSpan.Zero;
        for (int i = 0; i < cases; i++)
        {
            var random = new Random(CaseSeed(format, i));
            long before = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            string outcome;
            try
            {
                outcome = await one(random, i);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{format} case {i} (seed {Seed}): escaped as {e.GetType().Name}: {e.Message}\n{e}");
            }

            TimeSpan took = clock.Elapsed;
            long allocated = GC.GetTotalAllocatedBytes() - before; // the whole process: other tests count too, hence the wide bound
            if (Long && took > CaseLimit) throw new Xunit.Sdk.XunitException($"{format} case {i} (seed {Seed}) took {took.TotalSeconds:0.0} s ({outcome})");
            if (allocated > CaseBytes) throw new Xunit.Sdk.XunitException($"{format} case {i} (seed {Seed}) allocated {allocated / 1e6:0} MB ({outcome})");
            slowest = took > slowest ? took : slowest;
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine($"{format}: {cases} cases (seed {Seed}) in {total.Elapsed.TotalSeconds:0.0} s, slowest {slowest.TotalMilliseconds:0} ms; peak RSS so far {PeakRssMb():0} MB");
        foreach ((string outcome, int n) in outcomes) output.WriteLine($"  {n,6}  {outcome}");
    }

    /// <summary>
    /// The seed of case <paramref name="i"/> of <paramref name="format"/>, the same in every process (string hash codes
    /// are randomised per process, so <see cref="HashCode"/> would make a failing case impossible to run again).
    /// </summary>
    public static int CaseSeed(string format, int i)
    {
        uint h = 2166136261; // FNV-1a over the seed, the format's name and the case number
        foreach (char c in $"{Seed}/{format}/{i}") h = (h ^ c) * 16777619;
        return (int)h;
    }

    /// <summary>The outcome label of an exception a reader is allowed to throw: its type and the start of its message, numbers dropped.</summary>
    public static string Label(Exception e)
    {
        string message = e.Message;
        int colon = message.LastIndexOf(": ", StringComparison.Ordinal);
        string tail = colon >= 0 ? message[(colon + 2)..] : message;
        string words = string.Join(' ', tail.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(5).Select(w => w.Any(char.IsDigit) ? "#" : w));
        return $"{e.GetType().Name}: {words}";
    }

    /// <summary>One to three mutations of <paramref name="input"/>: bit flips, interesting values, cuts, repeats, inserted noise.</summary>
    public static byte[] Mutate(byte[] input, Random random, int from = 0)
    {
        byte[] bytes = [.. input];
        for (int n = random.Next(1, 4); n > 0 && bytes.Length > from + 8; n--)
        {
            int at = random.Next(from, bytes.Length - 8);
            switch (random.Next(8))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = Interesting8[random.Next(Interesting8.Length)]; break;
                case 2: BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), Interesting32[random.Next(Interesting32.Length)]); break;
                case 3: BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), Interesting64[random.Next(Interesting64.Length)]); break;
                case 4: bytes = bytes[..random.Next(from, bytes.Length)]; break;
                case 5: bytes = [.. bytes[..at], .. bytes[random.Next(at, bytes.Length)..]]; break;
                case 6:
                {
                    int length = random.Next(1, Math.Min(64, bytes.Length - at));
                    bytes = [.. bytes[..(at + length)], .. bytes[at..]];
                    break;
                }

                default:
                {
                    var noise = new byte[random.Next(1, 16)];
                    random.NextBytes(noise);
                    bytes = [.. bytes[..at], .. noise, .. bytes[at..]];
                    break;
                }
            }
        }

        return bytes;
    }

    /// <summary>The process's peak resident set (VmHWM), in MB; 0 where /proc is not there.</summary>
    public static double PeakRssMb()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return 0;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    private static readonly byte[] Interesting8 = [0, 1, 0x7f, 0x80, 0xff, (byte)'{', (byte)'"', (byte)'/', (byte)'.'];
    private static readonly uint[] Interesting32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 1_000_000_000, 65536];
    private static readonly ulong[] Interesting64 = [0, ulong.MaxValue, long.MaxValue, 1UL << 62, 3_000_000_000, 1UL << 31];
}
