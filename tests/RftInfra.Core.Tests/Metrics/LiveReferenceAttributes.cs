namespace RftInfra.Core.Tests.Metrics;

/// <summary>
/// Selects the live comparisons with Debian's python3-nltk and WordNet: they run only when
/// RFT_LIVE_REFERENCE=1 (.ci/run sets it after installing the packages) and are reported as skipped, with the
/// reason, otherwise. Once selected they never skip: a missing interpreter, module or database fails them.
/// Without it the checked-in answers (Metrics/Reference) stand in for the live ones.
/// </summary>
public static class LiveReference
{
    public const string Variable = "RFT_LIVE_REFERENCE";

    /// <summary>The trait the live tests carry: <c>dotnet test --filter Reference=Live</c> picks them.</summary>
    public const string Trait = "Reference";

    public const string SkipReason = "live comparison with Debian's nltk and WordNet: set " + Variable +
        "=1 to run it (.ci/run does, after apt-get install python3-nltk wordnet-base)";

    public static bool IsSelected => Environment.GetEnvironmentVariable(Variable) == "1";
}

/// <summary>A fact that runs only when <see cref="LiveReference.IsSelected"/>.</summary>
public sealed class LiveReferenceFactAttribute : FactAttribute
{
    public LiveReferenceFactAttribute()
    {
        if (!LiveReference.IsSelected)
        {
            Skip = LiveReference.SkipReason;
        }
    }
}

/// <summary>A theory that runs only when <see cref="LiveReference.IsSelected"/>.</summary>
public sealed class LiveReferenceTheoryAttribute : TheoryAttribute
{
    public LiveReferenceTheoryAttribute()
    {
        if (!LiveReference.IsSelected)
        {
            Skip = LiveReference.SkipReason;
        }
    }
}
