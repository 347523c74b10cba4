namespace RftInfra.Core.Tests.Validation;

/// <summary>
/// Golden files without Verify (Bicep's BaselineHelper): expected text lives in
/// tests/RftInfra.Core.Tests/Snapshots/NAME.verified.txt. RFT_UPDATE_SNAPSHOTS=1 rewrites them.
/// </summary>
internal static class Snapshot
{
    public static void Match(string name, string actual)
    {
        actual = actual.ReplaceLineEndings("\n");
        var directory = Path.Combine(ValidationTestKit.RepoRoot, "tests/RftInfra.Core.Tests/Snapshots");
        var expectedPath = Path.Combine(directory, name + ".verified.txt");
        Assert.DoesNotContain("api-key", actual, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Bearer ", actual, StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("RFT_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(expectedPath, actual);
            return;
        }

        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath).ReplaceLineEndings("\n") : null;
        if (expected != actual)
        {
            Directory.CreateDirectory(directory);
            var receivedPath = Path.Combine(directory, name + ".received.txt");
            File.WriteAllText(receivedPath, actual);
            Assert.Fail($"Snapshot {name} differs. Compare: git diff --no-index {expectedPath} {receivedPath}\n"
                + "If the change is intended, rerun with RFT_UPDATE_SNAPSHOTS=1.");
        }
    }
}
