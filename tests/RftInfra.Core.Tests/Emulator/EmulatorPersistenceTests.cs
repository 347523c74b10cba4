using RftInfra.Emulator;

namespace RftInfra.Core.Tests.Emulator;

public class EmulatorPersistenceTests
{
    [Fact]
    public async Task StateFile_RoundTripsFilesAndJobsAcrossRestarts()
    {
        var directory = Directory.CreateTempSubdirectory("rft-emulator-");
        var statePath = Path.Combine(directory.FullName, "state", "emulator.json");
        try
        {
            string jobId;
            string fileId;
            await using (var first = await TestEmulator.StartAsync(o => o with { StatePath = statePath }))
            {
                jobId = await first.CreatedJob(new() { ["spec"] = "persist" });
                first.Time.Advance(TestEmulator.Pace * 2);
                Assert.Equal("running", await first.JobStatus(jobId));
                fileId = (await first.Get("/openai/v1/files")).Body!["data"]![0]!["id"]!.GetValue<string>();
            }

            Assert.True(File.Exists(statePath));
            Assert.DoesNotContain("test-key-123", await File.ReadAllTextAsync(statePath));

            await using var second = await TestEmulator.StartAsync(o => o with { StatePath = statePath });
            second.Time.Advance(TestEmulator.Pace * 2);   // the fake clock starts at the same instant: the job is where it was
            var (_, job) = await second.Get($"/openai/v1/fine_tuning/jobs/{jobId}");
            Assert.Equal("persist", job!["metadata"]!["spec"]!.GetValue<string>());
            Assert.Equal(TestEmulator.Jsonl, await second.Http.GetStringAsync($"/openai/v1/files/{fileId}/content"));
            var (_, events) = await second.Get($"/openai/v1/fine_tuning/jobs/{jobId}/events?limit=100");
            Assert.Contains(events!["data"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "metrics");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task CorruptStateFile_FailsStartNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rft-emulator-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "{ not json");
        try
        {
            await using var emulator = new RftEmulator(new EmulatorOptions { StatePath = path });
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => emulator.StartAsync());
            Assert.StartsWith(path, error.Message);
            Assert.Contains("Delete it", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
