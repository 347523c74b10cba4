using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RftInfra.Emulator;

namespace RftInfra.Core.Tests.Emulator;

/// <summary>An emulator on 127.0.0.1:0 with a fake clock and an HttpClient that sends its key.</summary>
public sealed class TestEmulator : IAsyncDisposable
{
    public static readonly TimeSpan Pace = TimeSpan.FromSeconds(10);

    public const string Jsonl = "{\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}],\"reference_answer\":\"Paris\"}\n";

    private TestEmulator(RftEmulator emulator, FakeTimeProvider time)
    {
        Server = emulator;
        Time = time;
        Http = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(20) };
        Http.DefaultRequestHeaders.Add("api-key", emulator.ApiKey);
    }

    public RftEmulator Server { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public static async Task<TestEmulator> StartAsync(Func<EmulatorOptions, EmulatorOptions>? configure = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions { TimeProvider = time, Pace = Pace, TotalSteps = 3, ApiKey = "test-key-123" };
        var emulator = new RftEmulator(configure?.Invoke(options) ?? options);
        await emulator.StartAsync();
        return new TestEmulator(emulator, time);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    public static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

    /// <summary>
    /// A client on a new connection. SocketsHttpHandler silently re-sends a request once when a reused pooled
    /// connection closes before any answer, so tests of dropped connections use a fresh one to see the drop.
    /// </summary>
    public HttpClient FreshHttp()
    {
        var http = new HttpClient { BaseAddress = Server.BaseUrl, Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Add("api-key", Server.ApiKey);
        return http;
    }

    public async Task<(int Status, JsonObject? Body)> Send(HttpMethod method, string path, JsonNode? body = null, HttpClient? http = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await (http ?? Http).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : Parse(text));
    }

    public Task<(int Status, JsonObject? Body)> Get(string path) => Send(HttpMethod.Get, path);

    public Task<(int Status, JsonObject? Body)> Post(string path, JsonNode? body = null) => Send(HttpMethod.Post, path, body ?? new JsonObject());

    public async Task<(int Status, JsonObject Body)> Upload(string content, string purpose = "fine-tune", string filename = "train.jsonl")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", filename);
        form.Add(new StringContent(purpose), "purpose");
        using var response = await Http.PostAsync("/openai/v1/files", form);
        return ((int)response.StatusCode, Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Uploads a valid JSONL file and lets it finish processing.</summary>
    public async Task<string> ProcessedFile(string content = Jsonl)
    {
        var (status, body) = await Upload(content);
        Assert.Equal(200, status);
        Time.Advance(Pace);
        return body["id"]!.GetValue<string>();
    }

    public static JsonObject StringCheckGrader() => new()
    {
        ["type"] = "string_check",
        ["name"] = "capital-match",
        ["input"] = "{{sample.output_text}}",
        ["reference"] = "{{item.reference_answer}}",
        ["operation"] = "eq",
    };

    public static JsonObject JobBody(string trainingFile, string validationFile, JsonObject? metadata = null) => new()
    {
        ["model"] = "o4-mini-2025-04-16",
        ["training_file"] = trainingFile,
        ["validation_file"] = validationFile,
        ["suffix"] = "capital",
        ["metadata"] = metadata,
        ["method"] = new JsonObject
        {
            ["type"] = "reinforcement",
            ["reinforcement"] = new JsonObject
            {
                ["grader"] = StringCheckGrader(),
                ["hyperparameters"] = new JsonObject { ["eval_interval"] = 1, ["reasoning_effort"] = "low" },
            },
        },
    };

    /// <summary>Two processed files and a created job; returns the job id.</summary>
    public async Task<string> CreatedJob(JsonObject? metadata = null)
    {
        var training = await ProcessedFile();
        var validation = await ProcessedFile();
        var (status, job) = await Post("/openai/v1/fine_tuning/jobs", JobBody(training, validation, metadata));
        Assert.True(status == 200, job?.ToJsonString());
        return job!["id"]!.GetValue<string>();
    }

    public async Task<string> JobStatus(string id) => (await Get($"/openai/v1/fine_tuning/jobs/{id}")).Body!["status"]!.GetValue<string>();

    public static void AssertError(int expectedStatus, string expectedCode, (int Status, JsonObject? Body) actual, string? param = null)
    {
        Assert.True(expectedStatus == actual.Status, $"expected {expectedStatus}, got {actual.Status}: {actual.Body?.ToJsonString()}");
        var error = actual.Body?["error"] as JsonObject;
        Assert.NotNull(error);
        Assert.Equal(expectedCode, error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        Assert.True(error.ContainsKey("param") && error.ContainsKey("type"), "error has code, message, param, type");
        if (param is not null)
        {
            Assert.Equal(param, error["param"]!.GetValue<string>());
        }
    }
}
