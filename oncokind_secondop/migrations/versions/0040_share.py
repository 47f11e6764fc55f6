"""Shares of a packet with a receiving team, and their access log.

Revision ID: 0040_share
Revises: 0030_compare
Create Date: 2026-12-06
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0040_share"
down_revision = "0030_compare"
branch_labels = None
depends_on = None


def _patient_owned() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "secondop_share",
        *_patient_owned(),
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("team_name", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=300), nullable=False),
        sa.Column("item_keys", sa.Text(), nullable=False),
        sa.Column("patient_name", sa.String(length=200), nullable=False),
        sa.Column("patient_birth_date", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["packet_id"], ["secondop_packet.id"], ondelete="CASCADE",
            name=op.f("fk_secondop_share_packet_id_secondop_packet"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondop_share")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_secondop_share_token_hash")),
    )
    op.create_index(op.f("ix_secondop_share_patient_id"), "secondop_share", ["patient_id"], unique=False)
    op.create_index(op.f("ix_secondop_share_packet_id"), "secondop_share", ["packet_id"], unique=False)
    op.create_table(
        "secondop_share_access",
        *_patient_owned(),
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=20), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["packet_id"], ["secondop_packet.id"], ondelete="CASCADE",
            name=op.f("fk_secondop_share_access_packet_id_secondop_packet"),
        ),
        sa.ForeignKeyConstraint(
            ["share_id"], ["secondop_share.id"], ondelete="CASCADE",
            name=op.f("fk_secondop_share_access_share_id_secondop_share"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondop_share_access")),
    )
    op.create_index(
        op.f("ix_secondop_share_access_patient_id"), "secondop_share_access", ["patient_id"], unique=False
    )
    op.create_index(
        op.f("ix_secondop_share_access_share_id"), "secondop_share_access", ["share_id"], unique=False
    )
    op.create_index(
        op.f("ix_secondop_share_access_packet_id"), "secondop_share_access", ["packet_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_secondop_share_access_packet_id"), table_name="secondop_share_access")
    op.drop_index(op.f("ix_secondop_share_access_share_id"), table_name="secondop_share_access")
    op.drop_index(op.f("ix_secondop_share_access_patient_id"), table_name="secondop_share_access")
    op.drop_table("secondop_share_access")
    op.drop_index(op.f("ix_secondop_share_packet_id"), table_name="secondop_share")
    op.drop_index(op.f("ix_secondop_share_patient_id"), table_name="secondop_share")
    op.drop_table("secondop_share")
