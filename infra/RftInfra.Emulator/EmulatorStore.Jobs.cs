using System.Text.Json.Nodes;

namespace RftInfra.Emulator;

/// <summary>Which API surface a job call came through; the dated one also takes Azure's <c>trainingType</c>.</summary>
internal enum ApiSurface
{
    V1,
    Dated,
}

/// <summary>The jobs API: create (after the request checks), get, list, cancel, pause, resume, delete, events, checkpoints.</summary>
internal sealed partial class EmulatorStore
{
    /// <summary>Metadata key that makes a simulated job fail: <c>failed</c> (in training) or <c>failed_validation</c>.</summary>
    public const string OutcomeMetadataKey = "emulator_outcome";

    public JobRecord CreateJob(JsonObject body, ApiSurface surface) => Locked(() =>
    {
        var request = JobRequestChecks.Check(body, surface, _options.RequireTrainingTypeOnDatedSurface, _options.Region);
        CheckJobFile(request.TrainingFile, "training_file");
        if (request.ValidationFile is not null)
        {
            CheckJobFile(request.ValidationFile, "validation_file");
        }

        var waiting = _state.Jobs.Count(j => JobStatuses.IsWaiting(j.Status));
        if (waiting >= _options.MaxQueuedJobs)
        {
            throw EmulatorErrors.QuotaExceeded(
                $"The quota for queued fine-tuning jobs is reached. The maximum is {_options.MaxQueuedJobs}. Wait for jobs to finish or cancel some.");
        }

        if (_state.Jobs.Count >= _options.MaxJobs)
        {
            throw EmulatorErrors.QuotaExceeded(
                $"The quota for fine-tuning jobs is reached: the resource has {_state.Jobs.Count} jobs and the maximum is {_options.MaxJobs}. Delete finished jobs you no longer need.");
        }

        var now = Now;
        var job = new JobRecord
        {
            Id = NewId("ftjob-"),
            Model = request.Model,
            TrainingFile = request.TrainingFile,
            ValidationFile = request.ValidationFile,
            Seed = request.Seed ?? Random.Shared.NextInt64(0, int.MaxValue),
            Suffix = request.Suffix,
            Metadata = request.Metadata,
            Method = request.Method,
            Hyperparameters = request.Hyperparameters,
            Integrations = request.Integrations,
            TrainingType = request.TrainingType,
            CreatedAt = now,
            Status = JobStatuses.Pending,
            StatusChangedAt = now,
            TotalSteps = Math.Max(1, _options.TotalSteps),
        };
        AddEvent(job, now, "Job enqueued. Validating training file: " + job.TrainingFile);
        _state.Jobs.Add(job);
        return job;
    }, mutates: true);

    private void CheckJobFile(string id, string param)
    {
        var file = _state.Files.FirstOrDefault(f => f.Id == id)
            ?? throw EmulatorErrors.InvalidPayload($"invalid {param}: the file '{id}' does not exist. Upload it first.", param);
        if (file.Purpose != "fine-tune")
        {
            throw EmulatorErrors.InvalidPayload(
                $"invalid {param}: the file '{id}' has purpose '{file.Purpose}'; fine-tuning needs purpose 'fine-tune'.", param);
        }

        if (file.Status == "error")
        {
            throw EmulatorErrors.InvalidPayload($"invalid {param}: the file '{id}' failed processing: {file.StatusDetails}", param);
        }

        if (file.Status != "processed")
        {
            throw EmulatorErrors.FileNotReady(param, id, file.Status);
        }
    }

    public JobRecord GetJob(string id) => Locked(() => FindJob(id), mutates: false);

    private JobRecord FindJob(string id) =>
        _state.Jobs.FirstOrDefault(j => j.Id == id) ?? throw EmulatorErrors.NotFound("fine-tuning job", id);

    /// <summary>Newest first, as the service lists; <paramref name="metadata"/> keeps jobs carrying every pair.</summary>
    public (IReadOnlyList<JobRecord> Page, bool HasMore) ListJobs(
        string? after, int limit, IReadOnlyDictionary<string, string> metadata) => Locked(() =>
    {
        var jobs = Enumerable.Reverse(_state.Jobs)
            .Where(j => metadata.All(pair => j.Metadata is not null
                && j.Metadata.TryGetValue(pair.Key, out var value) && value == pair.Value))
            .ToList();
        return Page(jobs, j => j.Id, after, limit);
    }, mutates: false);

    public JobRecord CancelJob(string id) => Locked(() =>
    {
        var job = FindJob(id);
        var now = Now;
        switch (job.Status)
        {
            case JobStatuses.Cancelling:
                break;
            case JobStatuses.Running:
                SetStatus(job, JobStatuses.Cancelling, now);
                AddEvent(job, now, "Job cancellation requested; stopping training.");
                break;
            case var status when JobStatuses.IsTerminal(status):
                throw EmulatorErrors.BadState($"Job '{id}' has already finished with status '{status}' and cannot be cancelled.");
            default:
                Finish(job, JobStatuses.Cancelled, now, freesSlot: false);
                AddEvent(job, now, "Job cancelled.");
                break;
        }

        return job;
    }, mutates: true);

    public JobRecord PauseJob(string id) => Locked(() =>
    {
        var job = FindJob(id);
        if (job.Status != JobStatuses.Running || job.StepsDone < 1)
        {
            throw EmulatorErrors.BadState(
                $"Job '{id}' is '{job.Status}' after {job.StepsDone} steps; only a running job that has trained at least one step can be paused.");
        }

        var now = Now;
        SetStatus(job, JobStatuses.Paused, now);
        _state.SlotFreedAt = now;
        if (job.Checkpoints.All(c => c.StepNumber != job.StepsDone))
        {
            AddCheckpoint(job, now);
        }

        AddEvent(job, now, $"Job paused at step {job.StepsDone}; a checkpoint was saved.");
        return job;
    }, mutates: true);

    public JobRecord ResumeJob(string id) => Locked(() =>
    {
        var job = FindJob(id);
        if (job.Status != JobStatuses.Paused)
        {
            throw EmulatorErrors.BadState($"Job '{id}' is '{job.Status}'; only a paused job can be resumed.");
        }

        var now = Now;
        SetStatus(job, JobStatuses.Resuming, now);
        job.QueuedAt = now;
        AddEvent(job, now, "Job resume requested.");
        return job;
    }, mutates: true);

    /// <summary>The dated surface's DELETE: only a finished job can go (cancel it first).</summary>
    public void DeleteJob(string id) => Locked(() =>
    {
        var job = FindJob(id);
        if (!JobStatuses.IsTerminal(job.Status))
        {
            throw EmulatorErrors.BadState($"Job '{id}' is '{job.Status}'; cancel it and wait until it is cancelled before deleting it.");
        }

        _state.Jobs.Remove(job);
        return true;
    }, mutates: true);

    public (IReadOnlyList<JobEventRecord> Page, bool HasMore) JobEvents(string id, string? after, int limit) =>
        Locked(() => Page(Enumerable.Reverse(FindJob(id).Events).ToList(), e => e.Id, after, limit), mutates: false);

    public (IReadOnlyList<CheckpointRecord> Page, bool HasMore) JobCheckpoints(string id, string? after, int limit) =>
        Locked(() => Page(Enumerable.Reverse(FindJob(id).Checkpoints).ToList(), c => c.Id, after, limit), mutates: false);
}
