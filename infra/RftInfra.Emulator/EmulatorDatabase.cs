using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;

namespace RftInfra.Emulator;

/// <summary>
/// Where the emulator's state lives: one SQLite database (the file given as the state path, or in memory), a JSON
/// row per file, upload, part, job, event and checkpoint, with file and part bytes as blobs. <see cref="Commit"/>
/// writes only the rows that differ from what was last committed, in one transaction (WAL, synchronous=FULL), so a
/// change is on disk before it is answered and costs what it changed, not the size of the state.
/// </summary>
internal sealed class EmulatorDatabase : IDisposable
{
    private const int FormatVersion = 1;
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly SqliteConnection _connection;
    private readonly string _name;

    /// <summary>
    /// "table/id" → the record's JSON as committed, or "" once it is settled and can no longer change (parts,
    /// events, checkpoints; finished files, uploads and jobs): a commit serializes only records still in play.
    /// </summary>
    private Dictionary<string, string> _committed = new(StringComparer.Ordinal);

    /// <summary>File and part bytes waiting for the next commit, by id.</summary>
    private readonly Dictionary<string, byte[]> _staged = new(StringComparer.Ordinal);

    private EmulatorDatabase(SqliteConnection connection, string name)
    {
        _connection = connection;
        _name = name;
    }

    /// <summary>
    /// Opens (creating if needed) the state database at <paramref name="path"/>, or an in-memory one when null.
    /// Throws <see cref="InvalidDataException"/> naming the path for a directory, an unwritable place, an old JSON
    /// state file or anything that is not an emulator state database.
    /// </summary>
    public static EmulatorDatabase Open(string? path)
    {
        if (path is null)
        {
            var memory = new SqliteConnection("Data Source=:memory:");
            memory.Open();
            var database = new EmulatorDatabase(memory, "(in memory)");
            database.CreateSchema();
            return database;
        }

        CheckPath(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(path),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,          // the file is closed (and the WAL folded in) when the emulator stops
            DefaultTimeout = 2,       // seconds to wait for a lock held by another process, then the change fails
        }.ToString());
        try
        {
            connection.Open();
            var database = new EmulatorDatabase(connection, path);
            // auto_vacuum before the first table and before WAL: deleted files give their space back.
            database.Execute("PRAGMA auto_vacuum = FULL; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA journal_size_limit = 67108864;");
            database.CreateSchema();
            return database;
        }
        catch (Exception e) when (e is SqliteException or InvalidDataException)
        {
            connection.Dispose();
            throw e as InvalidDataException ?? Unreadable(path, e);
        }
    }

    private static InvalidDataException Unreadable(string name, Exception e) => new(
        $"{name}: cannot use the emulator state database ({e.Message}). Delete it to start empty, or choose a state file in a writable folder.", e);

    private static void CheckPath(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidDataException(
                $"{path}: the emulator state path is a directory. Give a file path, e.g. {Path.Combine(path, "emulator.db")}.");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        try
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            if (!File.Exists(path) || new FileInfo(path).Length == 0)
            {
                return;
            }

            var header = new byte[SqliteHeader.Length];
            int read;
            using (var stream = File.OpenRead(path))
            {
                read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            }

            if (read == header.Length && header.AsSpan().SequenceEqual(SqliteHeader))
            {
                return;
            }

            var looksLikeJson = Encoding.UTF8.GetString(header, 0, read).TrimStart().StartsWith('{');
            throw new InvalidDataException(looksLikeJson
                ? $"{path}: this is a JSON state file of an older emulator; state is now kept in a SQLite database and old state files are not read. Delete it to start empty, or point the state at another file."
                : $"{path}: not an emulator state database. Delete it to start empty, or point the state at another file.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException(
                $"{path}: cannot use this as the emulator state file ({e.Message}). Choose a state file in a writable folder.", e);
        }
    }

    private void CreateSchema()
    {
        var version = Convert.ToInt64(Scalar("PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
        var tables = Convert.ToInt64(Scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'"), System.Globalization.CultureInfo.InvariantCulture);
        if (version != FormatVersion && (version != 0 || tables > 0))
        {
            throw new InvalidDataException(
                $"{_name}: not an emulator state database of this version (format {version}, expected {FormatVersion}). Delete it to start empty, or point the state at another file.");
        }

        // Written on every start: a state file that cannot take a write fails here, not on the first change.
        using var transaction = _connection.BeginTransaction();
        Execute($"""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS files (id TEXT PRIMARY KEY, record TEXT NOT NULL, content BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS uploads (id TEXT PRIMARY KEY, record TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS parts (id TEXT PRIMARY KEY, owner TEXT NOT NULL, record TEXT NOT NULL, data BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, record TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, owner TEXT NOT NULL, record TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS checkpoints (id TEXT PRIMARY KEY, owner TEXT NOT NULL, record TEXT NOT NULL);
            INSERT INTO meta (key, value) VALUES ('format', '{FormatVersion}') ON CONFLICT (key) DO UPDATE SET value = excluded.value;
            PRAGMA user_version = {FormatVersion};
            """);
        transaction.Commit();
    }

    /// <summary>Reads every record (no file or part bytes) in the order they were created.</summary>
    public EmulatorState Load()
    {
        try
        {
            return LoadRows();
        }
        catch (SqliteException e)
        {
            throw Unreadable(_name, e);
        }
    }

    private EmulatorState LoadRows()
    {
        var state = new EmulatorState();
        var committed = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Scalar("SELECT value FROM meta WHERE key = 'slot_freed_at'") is string slot)
        {
            state.SlotFreedAt = Read<DateTimeOffset>("meta", "slot_freed_at", slot);
            committed["meta/slot_freed_at"] = slot;
        }

        state.Files.AddRange(Rows<FileRecord>("files", committed).Select(r => r.Record));
        state.Uploads.AddRange(Rows<UploadRecord>("uploads", committed).Select(r => r.Record));
        state.Jobs.AddRange(Rows<JobRecord>("jobs", committed).Select(r => r.Record));
        var uploads = state.Uploads.ToDictionary(u => u.Id);
        foreach (var (owner, part) in Rows<UploadPartRecord>("parts", committed))
        {
            uploads.GetValueOrDefault(owner)?.Parts.Add(part);
        }

        var jobs = state.Jobs.ToDictionary(j => j.Id);
        foreach (var (owner, jobEvent) in Rows<JobEventRecord>("events", committed))
        {
            jobs.GetValueOrDefault(owner)?.Events.Add(jobEvent);
        }

        foreach (var (owner, checkpoint) in Rows<CheckpointRecord>("checkpoints", committed))
        {
            jobs.GetValueOrDefault(owner)?.Checkpoints.Add(checkpoint);
        }

        _committed = committed;
        _staged.Clear();
        return state;
    }

    private List<(string Owner, T Record)> Rows<T>(string table, Dictionary<string, string> committed)
        where T : class
    {
        var owner = table is "parts" or "events" or "checkpoints" ? "owner" : "''";
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT id, {owner}, record FROM {table} ORDER BY rowid";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, T)>();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            var text = reader.GetString(2);
            var record = Read<T>(table, id, text);
            rows.Add((reader.GetString(1), record));
            committed[table + "/" + id] = Settled(record) ? "" : text;
        }

        return rows;
    }

    private T Read<T>(string table, string id, string text)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json) ?? throw new JsonException("null record");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"{_name}: the {table} row '{id}' is not a valid record ({e.Message}). Delete the state file to start empty.", e);
        }
    }

    /// <summary>Bytes of a new file or part, written with its row at the next <see cref="Commit"/>.</summary>
    public void Stage(string id, byte[] bytes) => _staged[id] = bytes;

    public byte[] FileContent(string id) => Blob("SELECT content FROM files WHERE id = $id", id);

    public byte[] PartData(string id) => Blob("SELECT data FROM parts WHERE id = $id", id);

    private byte[] Blob(string sql, string id)
    {
        if (_staged.TryGetValue(id, out var staged))
        {
            return staged;
        }

        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() as byte[] ?? throw new InvalidDataException($"{_name}: the bytes of '{id}' are missing.");
    }

    /// <summary>
    /// Makes the database hold <paramref name="state"/>: inserts, updates and deletes the rows that differ from the
    /// last commit, in one transaction. Throws (and the database is unchanged) when that cannot be done.
    /// </summary>
    public void Commit(EmulatorState state)
    {
        var next = new Dictionary<string, string>(_committed.Count + 8, StringComparer.Ordinal);
        var writes = new List<Action>();
        void Row(string table, string id, object record, string? owner = null, bool withBytes = false)
        {
            var key = table + "/" + id;
            if (_committed.TryGetValue(key, out var before) && before.Length == 0)
            {
                next[key] = before;
                return;
            }

            var text = JsonSerializer.Serialize(record, record.GetType(), Json);
            next[key] = Settled(record) ? "" : text;
            if (before is null)
            {
                var bytes = withBytes ? _staged[id] : null;
                writes.Add(() => Insert(table, id, text, owner, bytes));
            }
            else if (before != text)
            {
                writes.Add(() => Update(table, id, text));
            }
        }

        foreach (var file in state.Files)
        {
            Row("files", file.Id, file, withBytes: true);
        }

        foreach (var upload in state.Uploads)
        {
            Row("uploads", upload.Id, upload);
            foreach (var part in upload.Parts)
            {
                Row("parts", part.Id, part, upload.Id, withBytes: true);
            }
        }

        foreach (var job in state.Jobs)
        {
            Row("jobs", job.Id, job);
            job.Events.ForEach(e => Row("events", e.Id, e, job.Id));
            job.Checkpoints.ForEach(c => Row("checkpoints", c.Id, c, job.Id));
        }

        if (state.SlotFreedAt is { } slot)
        {
            var text = JsonSerializer.Serialize(slot, Json);
            next["meta/slot_freed_at"] = text;
            if (_committed.GetValueOrDefault("meta/slot_freed_at") != text)
            {
                writes.Add(() => Execute("INSERT INTO meta (key, value) VALUES ('slot_freed_at', $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("$value", text)));
            }
        }

        foreach (var gone in _committed.Keys.Where(key => !next.ContainsKey(key)))
        {
            var slash = gone.IndexOf('/', StringComparison.Ordinal);
            var (table, id) = (gone[..slash], gone[(slash + 1)..]);
            writes.Add(table == "meta"
                ? () => Execute("DELETE FROM meta WHERE key = $id", ("$id", id))
                : () => Execute($"DELETE FROM {table} WHERE id = $id", ("$id", id)));
        }

        if (writes.Count > 0)
        {
            using var transaction = _connection.BeginTransaction();
            writes.ForEach(write => write());
            transaction.Commit();
        }

        _committed = next;
        _staged.Clear();
    }

    /// <summary>A record that no operation changes any more (it may still be deleted).</summary>
    private static bool Settled(object record) => record switch
    {
        FileRecord file => file.Status != "pending",
        UploadRecord upload => upload.Status != "pending",
        JobRecord job => JobStatuses.IsTerminal(job.Status),
        _ => true,   // parts, events and checkpoints are written once
    };

    private void Insert(string table, string id, string record, string? owner, byte[]? bytes)
    {
        var sql = (table, owner) switch
        {
            ("files", _) => "INSERT INTO files (id, record, content) VALUES ($id, $record, $bytes)",
            ("parts", _) => "INSERT INTO parts (id, owner, record, data) VALUES ($id, $owner, $record, $bytes)",
            (_, not null) => $"INSERT INTO {table} (id, owner, record) VALUES ($id, $owner, $record)",
            _ => $"INSERT INTO {table} (id, record) VALUES ($id, $record)",
        };
        (string, object?)[] parameters = [("$id", id), ("$record", record), ("$owner", owner), ("$bytes", bytes)];
        Execute(sql, [.. parameters.Where(p => sql.Contains(p.Item1, StringComparison.Ordinal))]);
    }

    private void Update(string table, string id, string record) =>
        Execute($"UPDATE {table} SET record = $record WHERE id = $id", ("$id", id), ("$record", record));

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose() => _connection.Dispose();
}
