using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RftInfra.Emulator;

/// <summary>How an emulated job moves on with the clock: validation, the training slot, steps, checkpoints, the end.</summary>
internal sealed partial class EmulatorStore
{
    /// <summary>
    /// Applies every transition due by <paramref name="now"/>, earliest first, so the order is the same however
    /// rarely callers look: pending → queued after one pace (files checked), queued → running when the single
    /// training slot is free (first come, first served), one step per pace with a metrics event, checkpoints at a
    /// third, two thirds and the end, then succeeded (or failed on request); cancelling → cancelled after one pace.
    /// </summary>
    private bool AdvanceJobs(DateTimeOffset now)
    {
        var changed = false;
        while (NextTransition() is { } next && next.Due <= now)
        {
            Apply(next.Job, next.Due);
            changed = true;
        }

        return changed;
    }

    private (JobRecord Job, DateTimeOffset Due)? NextTransition()
    {
        (JobRecord Job, DateTimeOffset Due)? best = null;
        void Consider(JobRecord job, DateTimeOffset due)
        {
            if (best is null || due < best.Value.Due)
            {
                best = (job, due);
            }
        }

        var slotTaken = false;
        foreach (var job in _state.Jobs)
        {
            switch (job.Status)
            {
                case JobStatuses.Pending:
                    Consider(job, job.StatusChangedAt + _options.Pace);
                    break;
                case JobStatuses.Running:
                    slotTaken = true;
                    Consider(job, (job.LastStepAt ?? job.StatusChangedAt) + _options.Pace);
                    break;
                case JobStatuses.Cancelling:
                    slotTaken = true;
                    Consider(job, job.StatusChangedAt + _options.Pace);
                    break;
            }
        }

        if (!slotTaken)
        {
            var first = _state.Jobs
                .Where(j => j.Status is JobStatuses.Queued or JobStatuses.Resuming)
                .OrderBy(j => j.QueuedAt)
                .FirstOrDefault();
            if (first is not null)
            {
                var freed = _state.SlotFreedAt ?? DateTimeOffset.MinValue;
                Consider(first, first.QueuedAt is { } queued && queued > freed ? queued : freed);
            }
        }

        return best;
    }

    private void Apply(JobRecord job, DateTimeOffset at)
    {
        switch (job.Status)
        {
            case JobStatuses.Pending:
                ValidateFiles(job, at);
                break;
            case JobStatuses.Queued or JobStatuses.Resuming:
                AddEvent(job, at, job.Status == JobStatuses.Resuming ? "Job resumed." : "Job started.");
                SetStatus(job, JobStatuses.Running, at);
                job.LastStepAt = at;
                break;
            case JobStatuses.Running:
                Step(job, at);
                break;
            case JobStatuses.Cancelling:
                Finish(job, JobStatuses.Cancelled, at, freesSlot: true);
                AddEvent(job, at, "Job cancelled.");
                break;
        }
    }

    private void ValidateFiles(JobRecord job, DateTimeOffset at)
    {
        string? problem = null;
        string param = "training_file";
        foreach (var (id, name) in new[] { (job.TrainingFile, "training_file"), (job.ValidationFile, "validation_file") })
        {
            if (id is not null && problem is null && FindFileOrNull(id) is null)
            {
                problem = $"The {name.Replace('_', ' ')} '{id}' was deleted before the job could read it.";
                param = name;
            }
        }

        if (problem is null && Outcome(job) == "failed_validation")
        {
            problem = $"The training file '{job.TrainingFile}' failed validation (emulated: metadata {OutcomeMetadataKey}=failed_validation).";
        }

        if (problem is not null)
        {
            job.Error = new JobErrorRecord("invalid_training_file", problem, param);
            AddEvent(job, at, problem, level: "error");
            Finish(job, JobStatuses.Failed, at, freesSlot: false);
            return;
        }

        AddEvent(job, at, "Files validated, moving job to queued state.");
        SetStatus(job, JobStatuses.Queued, at);
        job.QueuedAt = at;
    }

    private void Step(JobRecord job, DateTimeOffset at)
    {
        job.StepsDone++;
        job.LastStepAt = at;
        var (train, valid) = Rewards(job, job.StepsDone);
        AddEvent(job, at, $"Step {job.StepsDone}/{job.TotalSteps}: train reward {train:0.####}, valid reward {valid:0.####}",
            type: "metrics", data: new JsonObject
            {
                ["step"] = job.StepsDone,
                ["total_steps"] = job.TotalSteps,
                ["scores"] = new JsonObject
                {
                    ["train_reward_mean"] = train,
                    ["valid_reward_mean"] = valid,
                },
                ["train_mean_reward"] = train,
                ["full_valid_mean_reward"] = valid,
                ["full_valid_mean_parse_error"] = 0.0,
            });

        var checkpointSteps = new HashSet<int>
        {
            Math.Max(1, (int)Math.Round(job.TotalSteps / 3.0)),
            Math.Max(1, (int)Math.Round(job.TotalSteps * 2 / 3.0)),
            job.TotalSteps,
        };
        if (checkpointSteps.Contains(job.StepsDone) && job.Checkpoints.All(c => c.StepNumber != job.StepsDone))
        {
            AddCheckpoint(job, at);
        }

        if (Outcome(job) == "failed" && job.StepsDone >= (job.TotalSteps + 1) / 2)
        {
            job.Error = new JobErrorRecord(
                "training_failed",
                $"The job failed during training at step {job.StepsDone} (emulated: metadata {OutcomeMetadataKey}=failed).",
                null);
            AddEvent(job, at, job.Error.Message, level: "error");
            Finish(job, JobStatuses.Failed, at, freesSlot: true);
            return;
        }

        if (job.StepsDone >= job.TotalSteps)
        {
            job.FineTunedModel = FineTunedModelName(job);
            job.TrainedTokens = TrainedTokens(job);
            AddEvent(job, at, "New fine-tuned model created: " + job.FineTunedModel);
            AddEvent(job, at, "The job has successfully completed.");
            Finish(job, JobStatuses.Succeeded, at, freesSlot: true);
        }
    }

    private void Finish(JobRecord job, string status, DateTimeOffset at, bool freesSlot)
    {
        SetStatus(job, status, at);
        job.FinishedAt = at;
        if (freesSlot)
        {
            _state.SlotFreedAt = at;
        }
    }

    private static void SetStatus(JobRecord job, string status, DateTimeOffset at)
    {
        job.Status = status;
        job.StatusChangedAt = at;
    }

    private static string? Outcome(JobRecord job) =>
        job.Metadata is not null && job.Metadata.TryGetValue(OutcomeMetadataKey, out var outcome) ? outcome : null;

    private static void AddEvent(
        JobRecord job, DateTimeOffset at, string message, string level = "info", string type = "message", JsonObject? data = null) =>
        job.Events.Add(new JobEventRecord
        {
            Id = NewId("ftevent-"),
            CreatedAt = at,
            Level = level,
            Message = message,
            Type = type,
            Data = data,
        });

    private static void AddCheckpoint(JobRecord job, DateTimeOffset at)
    {
        var (train, valid) = Rewards(job, job.StepsDone);
        job.Checkpoints.Add(new CheckpointRecord
        {
            Id = NewId("ftchkpt-"),
            CreatedAt = at,
            FineTunedModelCheckpoint = $"{FineTunedModelName(job)}:ckpt-step-{job.StepsDone}",
            StepNumber = job.StepsDone,
            Metrics = new JsonObject
            {
                ["step"] = job.StepsDone,
                ["train_reward_mean"] = train,
                ["valid_reward_mean"] = valid,
            },
        });
        AddEvent(job, at, $"Checkpoint created at step {job.StepsDone}.");
    }

    /// <summary>A rising reward curve with a small per-job wobble: deterministic, so tests can rely on it.</summary>
    private static (double Train, double Valid) Rewards(JobRecord job, int step)
    {
        var hash = BinaryPrimitives.ReadUInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"{job.Id}/{step}")));
        var wobble = ((hash % 1000) / 1000.0 - 0.5) * 0.04;
        var progress = (double)step / job.TotalSteps;
        var train = Math.Round(Math.Clamp(0.25 + 0.55 * progress + wobble, 0, 1), 4);
        var valid = Math.Round(Math.Clamp(train - 0.03, 0, 1), 4);
        return (train, valid);
    }

    /// <summary>Azure's naming: <c>{base-version}.ft-{job hex}</c>, with <c>-{suffix}</c> when given (docs/service.md §2.7).</summary>
    internal static string FineTunedModelName(JobRecord job)
    {
        var baseModel = JobRequestChecks.TrainableModel(job.Model)?.Id ?? job.Model.Split(".ft-")[0];

        var hex = job.Id.StartsWith("ftjob-", StringComparison.Ordinal) ? job.Id["ftjob-".Length..] : job.Id;
        return job.Suffix is { Length: > 0 } suffix ? $"{baseModel}.ft-{hex}-{suffix}" : $"{baseModel}.ft-{hex}";
    }

    /// <summary>About a token per four bytes of training data, times three epochs.</summary>
    private long TrainedTokens(JobRecord job) =>
        (FindFileOrNull(job.TrainingFile)?.Bytes ?? 4000) / 4 * 3;
}
