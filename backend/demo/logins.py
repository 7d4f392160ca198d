"""The demo logins: one per role, with a known password, printed by `setup_demo`."""

from __future__ import annotations

from dataclasses import dataclass

from backend.accounts.models import User
from backend.accounts.services import user_role_access_sync

# Demo accounts are recognised by this e-mail domain (never by username alone, so a real
# account called "admin" is neither reported as demo data nor deleted by `seed_demo --reset`).
DEMO_EMAIL_DOMAIN = "demo.skillbridge.invalid"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    display_name: str
    can_do: str

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_EMAIL_DOMAIN}"


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        User.Role.WORKER,
        "worker",
        "demo-worker-2023",
        "演示劳动者",
        "劳动者: 维护技能档案, 查看推荐岗位和培训, 报名开班, 投递岗位",
    ),
    DemoAccount(
        User.Role.PROVIDER_STAFF,
        "provider",
        "demo-provider-2023",
        "演示培训机构人员",
        "培训机构人员: 发布培训项目, 开班, 管理本机构的报名",
    ),
    DemoAccount(
        User.Role.EMPLOYER_STAFF,
        "employer",
        "demo-employer-2023",
        "演示用人单位人员",
        "用人单位人员: 发布和管理本单位岗位, 处理投递",
    ),
    DemoAccount(
        User.Role.SERVICE_STAFF,
        "staff",
        "demo-staff-2023",
        "演示就业服务人员",
        "就业服务人员: 窗口登记劳动者, 审核匹配推荐, 查看所辖区县统计",
    ),
    DemoAccount(
        User.Role.ADMIN,
        "admin",
        "demo-admin-2023",
        "演示管理员",
        "管理员: 全部数据与后台 /admin/",
    ),
    DemoAccount(
        User.Role.SECURITY_ADMIN,
        "security",
        "demo-security-2023",
        "演示安全管理员",
        "安全管理员: 后台 /admin/ 管理账号、角色和两步验证, 解除登录锁定; 看不到劳动者资料",
    ),
    DemoAccount(
        User.Role.AUDITOR,
        "auditor",
        "demo-auditor-2023",
        "演示审计管理员",
        "审计管理员: 只读查看审计日志 /audit/; 不能修改任何数据",
    ),
)

ACCOUNTS_BY_ROLE = {account.role: account for account in DEMO_ACCOUNTS}


def demo_users():
    return User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN)


def create_demo_user(account: DemoAccount, **links: object) -> User:
    """Create one demo login; `links` are provider / employer / service_centre."""
    is_admin = account.role == User.Role.ADMIN
    user = User.objects.create_user(
        username=account.username,
        email=account.email,
        password=account.password,
        role=account.role,
        display_name=account.display_name,
        is_staff=is_admin,
        is_superuser=is_admin,
        **links,
    )
    user_role_access_sync(user=user)  # the security administrator's admin access and group
    return user


def accounts_table() -> str:
    """The demo logins as a text table, with what each is linked to in this database."""
    existing = {
        user.username: user for user in demo_users().select_related("provider", "employer", "service_centre")
    }
    rows = [("角色 role", "用户名 username", "密码 password", "可以做什么 what they can do")]
    for account in DEMO_ACCOUNTS:
        user = existing.get(account.username)
        if user is None:
            note = "  (missing: run `manage.py seed_demo --reset`)"
        else:
            org = user.provider or user.employer or user.service_centre
            note = f"  [{org}]" if org else ""
        rows.append((account.role, account.username, account.password, account.can_do + note))
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(3)]
        lines.append("  ".join([*cells, row[3]]))
        if index == 0:
            lines.append("  ".join(["-" * w for w in widths] + ["-" * 30]))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)
