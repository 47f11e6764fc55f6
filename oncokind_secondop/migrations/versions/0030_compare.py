"""Compare worksheets and their opinions.

Revision ID: 0030_compare
Revises: 0020_packet
Create Date: 2026-11-23
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0030_compare"
down_revision = "0020_packet"
branch_labels = None
depends_on = None


def _patient_owned() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


OPINION_TEXT_COLUMNS = (
    "diagnosis",
    "stage",
    "goal",
    "plan",
    "reasons",
    "evidence",
    "experience",
    "side_effects_short",
    "side_effects_long",
    "time_needed",
    "travel",
    "cost",
    "trials",
    "tests_asked",
    "would_change",
    "patient_notes",
)


def upgrade() -> None:
    op.create_table(
        "secondop_compare_worksheet",
        *_patient_owned(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("marks_basis", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondop_compare_worksheet")),
    )
    op.create_index(
        op.f("ix_secondop_compare_worksheet_patient_id"),
        "secondop_compare_worksheet",
        ["patient_id"],
        unique=False,
    )
    op.create_table(
        "secondop_compare_opinion",
        *_patient_owned(),
        sa.Column("worksheet_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("doctor", sa.String(length=200), nullable=False),
        sa.Column("center", sa.String(length=200), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=True),
        sa.Column("visit_kind", sa.String(length=16), nullable=False),
        *[sa.Column(name, sa.Text(), nullable=False) for name in OPINION_TEXT_COLUMNS],
        sa.ForeignKeyConstraint(
            ["worksheet_id"],
            ["secondop_compare_worksheet.id"],
            ondelete="CASCADE",
            name=op.f("fk_secondop_compare_opinion_worksheet_id_secondop_compare_worksheet"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondop_compare_opinion")),
    )
    op.create_index(
        op.f("ix_secondop_compare_opinion_patient_id"),
        "secondop_compare_opinion",
        ["patient_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_secondop_compare_opinion_worksheet_id"),
        "secondop_compare_opinion",
        ["worksheet_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_secondop_compare_opinion_worksheet_id"), table_name="secondop_compare_opinion"
    )
    op.drop_index(
        op.f("ix_secondop_compare_opinion_patient_id"), table_name="secondop_compare_opinion"
    )
    op.drop_table("secondop_compare_opinion")
    op.drop_index(
        op.f("ix_secondop_compare_worksheet_patient_id"), table_name="secondop_compare_worksheet"
    )
    op.drop_table("secondop_compare_worksheet")
