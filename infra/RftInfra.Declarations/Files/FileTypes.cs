using System.Runtime.InteropServices;

namespace RftInfra.Files;

/// <summary>What stat(2) says a path is; <see cref="Unknown"/> where it cannot be asked (then only the size rules apply).</summary>
public enum FileType
{
    Unknown,
    Missing,
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
}

/// <summary>
/// The file type of a path. .NET's FileSystemInfo does not tell a FIFO or a device from a regular file
/// (both are <c>Normal</c>, length 0), so this asks stat(2) through the runtime's own native shim
/// (libSystem.Native's <c>SystemNative_Stat</c>, which FileInfo itself uses; its record starts with
/// <c>int Flags, int Mode</c>). Where that is unavailable (Windows, a runtime without the export) the answer is
/// <see cref="FileType.Unknown"/> and <see cref="CheckoutFile"/> still never opens a file that reports length 0.
/// </summary>
public static class FileTypes
{
    private const int ModeOffset = 4;
    private const int StatBufferBytes = 512; // the shim's FileStatus is ~150 bytes; room to spare.

    public static FileType Of(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return FileType.Unknown;
        }

        try
        {
            var buffer = new byte[StatBufferBytes];
            if (Native.Stat(path, buffer) != 0)
            {
                return File.Exists(path) || Directory.Exists(path) ? FileType.Unknown : FileType.Missing;
            }

            return (BitConverter.ToInt32(buffer, ModeOffset) & 0xF000) switch
            {
                0x8000 => FileType.Regular,
                0x4000 => FileType.Directory,
                0x1000 => FileType.Fifo,
                0x2000 => FileType.CharacterDevice,
                0x6000 => FileType.BlockDevice,
                0xC000 => FileType.Socket,
                _ => FileType.Unknown,
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return FileType.Unknown;
        }
    }

    public static string Describe(FileType type) => type switch
    {
        FileType.Fifo => "FIFO (named pipe)",
        FileType.CharacterDevice => "character device",
        FileType.BlockDevice => "block device",
        FileType.Socket => "socket",
        FileType.Directory => "directory",
        _ => "special file",
    };

    private static class Native
    {
        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
    }
}
