"""URL intake off the request: the job a worker reads and the page or API polls (a new table; no data to carry over)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0015_watch_plural'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='IntakeJob',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('url', models.CharField(max_length=2000)),
                ('state', models.CharField(choices=[('pending', 'Waiting for a worker'), ('running', 'Reading'), ('done', 'Read'),
                                                    ('failed', 'Could not be read')], default='pending', max_length=10)),
                ('text', models.TextField(blank=True, help_text="The text read from the page: what the extraction's offsets index.")),
                ('page', models.JSONField(blank=True, default=dict, help_text='What the page says about itself: title, publisher, date, language.')),
                ('extraction', models.JSONField(blank=True, default=dict)),
                ('error', models.TextField(blank=True, help_text='Why it could not be read, in plain words.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+',
                                                   to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
    ]
