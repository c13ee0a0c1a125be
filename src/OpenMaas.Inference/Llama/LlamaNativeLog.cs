using LLama.Native;
using Microsoft.Extensions.Logging;

namespace OpenMaas.Inference.Llama;

/// <summary>Routes llama.cpp's own log (warnings and errors only) to <see cref="ILogger"/>. The callback can only be
/// set before the native library loads, so it is installed once per process and points at the latest logger.</summary>
internal static class LlamaNativeLog
{
    private static readonly Lock Gate = new();
    private static bool _installed;
    private static ILogger? _logger;

    public static void Install(ILogger logger)
    {
        lock (Gate)
        {
            _logger = logger;
            if (_installed)
            {
                return;
            }

            _installed = true;
            if (NativeLibraryConfig.LLama.LibraryHasLoaded)
            {
                return; // someone else already made a native call; keep their callback
            }

            NativeLibraryConfig.All.WithLogCallback(OnNativeLog);
        }
    }

    private static void OnNativeLog(LLamaLogLevel level, string message)
    {
        if (_logger is not { } logger || level is LLamaLogLevel.Continue or < LLamaLogLevel.Warning)
        {
            return;
        }

        var text = message.TrimEnd();
        try
        {
            if (level == LLamaLogLevel.Warning)
            {
                Log.NativeWarning(logger, text);
            }
            else
            {
                Log.NativeError(logger, text);
            }
        }
        catch (Exception)
        {
            // This runs inside a native call (llama.cpp's log callback): an exception unwinding into native code ends the
            // process. A logger that cannot write (its provider disposed, e.g. a host that has stopped while another
            // runs) loses this line instead.
        }
    }
}
