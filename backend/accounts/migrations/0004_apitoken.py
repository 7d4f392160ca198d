"""API tokens move from DRF's authtoken (one plaintext key per user, no expiry) to knox's hashed
ones; the old keys stop working and their table, which held them in plain text, is dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_three_admin_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('token_key', models.CharField(db_index=True, max_length=25)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('expiry', models.DateTimeField(blank=True, null=True)),
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('digest', models.CharField(max_length=128, unique=True)),
                ('name', models.CharField(blank=True, max_length=64, verbose_name='设备名称')),
                ('user_agent', models.CharField(blank=True, max_length=200, verbose_name='客户端')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='最近使用')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='auth_token_set', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '接口令牌',
                'verbose_name_plural': '接口令牌',
                'indexes': [models.Index(fields=['user', 'expiry'], name='apitoken_user_expiry')],
            },
        ),
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
    ]
