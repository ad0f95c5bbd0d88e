"""Computed results kept for the pages: network snapshots and built reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .communities import LearningCommunity


class NetworkSnapshot(models.Model):
    """The network of a community (or of the whole program) on a date, computed by a job.

    `data` holds the actors with degree and betweenness, the ties and the summary metrics (see
    learning_communities.network); `comparison` the change from `compared_to` when asked.
    """

    community = models.ForeignKey(
        LearningCommunity,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="network_snapshots",
    )
    on = models.DateField(_("date"))
    compared_to = models.DateField(_("compared with"), null=True, blank=True)
    data = models.JSONField(_("network"), default=dict)
    comparison = models.JSONField(_("comparison"), default=dict, blank=True)
    # What the pages show (network.overview): counts and the first actors, a few kilobytes
    # whatever the size of the network. The program's `data` and `comparison` are megabytes at
    # 10,000 organizations, read only by the admin; the pages never load them.
    overview = models.JSONField(_("overview"), default=dict, blank=True)
    svg = models.TextField(_("drawing"), blank=True)
    svg_before = models.TextField(_("drawing at the earlier date"), blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("network snapshot")
        verbose_name_plural = _("network snapshots")
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["community", "-computed_at"])]

    def __str__(self) -> str:
        scope = self.community or _("program")
        return f"{scope} · {self.on}"


class NetworkPosition(models.Model):
    """An organization's place in a snapshot's network: its page reads this one row rather
    than the snapshot's list of every actor."""

    snapshot = models.ForeignKey(
        NetworkSnapshot, on_delete=models.CASCADE, related_name="positions"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveIntegerField()  # 1: the most ties (then by name), as the lists show
    degree = models.PositiveIntegerField()
    betweenness = models.FloatField()

    class Meta:
        verbose_name = _("network position")
        verbose_name_plural = _("network positions")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "snapshot"], name="network_position_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} · {self.rank}"


class Report(models.Model):
    """A community report or the program results report, as built on a date."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community report")
        PROGRAM = "program", _("Program results report")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    community = models.ForeignKey(
        LearningCommunity,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    data = models.JSONField(_("content"), default=dict)
    pdf_file = models.CharField(_("PDF file"), max_length=64, blank=True)
    xlsx_file = models.CharField(_("XLSX file"), max_length=64, blank=True)
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-built_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("learning_communities:report", args=[self.pk])
