namespace RftInfra.Cli;

public static class ExitCodes
{
    /// <summary>Clean (warnings allowed).</summary>
    public const int Success = 0;

    /// <summary>Findings of severity error, failed grader tests, a failed operation.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage or an I/O error (missing file, unreadable directory).</summary>
    public const int UsageOrIo = 2;
}
