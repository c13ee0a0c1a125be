namespace OpenMaas.Core.Settings;

/// <summary>Settings admins change at run time, stored in the database shared with the CLI.</summary>
public interface ISiteSettings
{
    /// <summary>Whether anyone may create an account from the sign-up page (off by default).</summary>
    Task<bool> IsSignUpOpenAsync(CancellationToken ct = default);

    Task SetSignUpOpenAsync(bool open, CancellationToken ct = default);
}
