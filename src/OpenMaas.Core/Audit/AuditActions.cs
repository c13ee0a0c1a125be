namespace OpenMaas.Core.Audit;

/// <summary>The actions the audit log records (the <c>action</c> column): <c>area.verb</c>.</summary>
public static class AuditActions
{
    public const string SignIn = "signin.success";
    public const string SignInFailed = "signin.failure";
    public const string UserCreate = "user.create";
    public const string UserCreateSso = "user.create.sso";
    public const string UserLinkSso = "user.link.sso";
    public const string UserEnable = "user.enable";
    public const string UserDisable = "user.disable";
    public const string UserRole = "user.role";
    public const string UserPassword = "user.password";
    public const string TokenCreate = "token.create";
    public const string TokenRotate = "token.rotate";
    public const string TokenRevoke = "token.revoke";
    public const string TokenScope = "token.scope";
    public const string ModelAdd = "model.add";
    public const string ModelChange = "model.change";
    public const string ModelRemove = "model.remove";
    public const string SettingsChange = "settings.change";
    public const string QuotaSet = "quota.set";
    public const string OrgCreate = "org.create";
    public const string OrgMemberAdd = "org.member.add";
    public const string OrgMemberRole = "org.member.role";
    public const string OrgMemberRemove = "org.member.remove";
    public const string OrgDelete = "org.delete";

    public static class Targets
    {
        public const string User = "user";
        public const string Token = "token";
        public const string Model = "model";
        public const string Setting = "setting";
        public const string Quota = "quota";
        public const string Organization = "organization";
    }
}
