using Microsoft.Data.Sqlite;

namespace RftInfra.Emulator;

/// <summary>
/// The emulated resource: files, uploads and jobs behind one lock. Every operation first brings file processing
/// and job progression up to the <see cref="TimeProvider"/>'s now; any change is committed to the state database
/// before the answer. A change that cannot be committed is undone (the state is read back from the database) and
/// answered with an error, so an answer never reports a change that was not kept, nor an error for one that was.
/// Handlers get records back or an <see cref="EmulatorException"/>.
/// </summary>
internal sealed partial class EmulatorStore : IDisposable
{

    private readonly object _gate = new();
    private readonly EmulatorOptions _options;
    private readonly EmulatorDatabase _database;
    private EmulatorState _state;

    /// <summary>Set when the state could not even be read back after a failed commit: every call fails until restart.</summary>
    private bool _broken;

    public EmulatorStore(EmulatorOptions options)
    {
        _options = options;
        _database = EmulatorDatabase.Open(options.StatePath);
        try
        {
            _state = _database.Load();
        }
        catch
        {
            _database.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _database.Dispose();
        }
    }

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Runs <paramref name="operation"/> under the lock after catching up with the clock, and commits any change
    /// (progression made before a refused request is kept too) before returning.
    /// </summary>
    private T Locked<T>(Func<T> operation, bool mutates)
    {
        lock (_gate)
        {
            if (_broken)
            {
                throw EmulatorErrors.NotSaved();
            }

            try
            {
                var changed = CatchUp();
                T result;
                try
                {
                    result = operation();
                }
                catch (EmulatorException) when (changed)
                {
                    Commit();
                    throw;
                }

                if (changed || mutates)
                {
                    Commit();
                }

                return result;
            }
            catch (Exception e) when (e is not EmulatorException)
            {
                // An unexpected failure may have left memory half-changed: go back to what was committed.
                Revert();
                throw;
            }
        }
    }

    private void Commit()
    {
        try
        {
            _database.Commit(_state);
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
        {
            Revert();
            throw EmulatorErrors.NotSaved();
        }
    }

    private void Revert()
    {
        try
        {
            _state = _database.Load();
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidDataException)
        {
            // Memory may no longer match the database: refuse every call rather than answer from it.
            _broken = true;
        }
    }

    /// <summary>Files finish processing, expired files and uploads go, jobs progress. True when anything changed.</summary>
    private bool CatchUp()
    {
        var now = Now;
        var changed = false;
        foreach (var file in _state.Files.Where(f => f.Status == "pending" && f.ReadyAt <= now))
        {
            file.Status = file.FinalStatus;
            changed = true;
        }

        changed |= _state.Files.RemoveAll(f => f.ExpiresAt is { } expires && expires <= now) > 0;
        foreach (var upload in _state.Uploads.Where(u => u.Status == "pending" && u.ExpiresAt <= now))
        {
            upload.Status = "expired";
            upload.Parts.Clear();
            changed = true;
        }

        return AdvanceJobs(now) | changed;
    }

    /// <summary>Cursor paging: the items after the one with id <paramref name="after"/> (all when null).</summary>
    private static (IReadOnlyList<T> Page, bool HasMore) Page<T>(List<T> ordered, Func<T, string> id, string? after, int limit)
    {
        var start = 0;
        if (after is not null)
        {
            var index = ordered.FindIndex(item => id(item) == after);
            start = index < 0 ? ordered.Count : index + 1;
        }

        var page = ordered.Skip(start).Take(limit).ToList();
        return (page, start + page.Count < ordered.Count);
    }
}
