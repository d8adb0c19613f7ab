namespace MoSiC.Stream.Tests.Support;

/// <summary>
/// The trait that splits the suite: <c>[Trait(TestSpeed.Trait, TestSpeed.Heavy)]</c> marks a test that spawns the CLI,
/// runs a learned tracker at its full input size, or soaks; <c>./scripts/test.sh --fast</c> runs everything else
/// (every module's unit tests) and <c>./scripts/test.sh</c> runs both.
/// </summary>
internal static class TestSpeed
{
    public const string Trait = "Speed";

    public const string Heavy = "Heavy";
}
