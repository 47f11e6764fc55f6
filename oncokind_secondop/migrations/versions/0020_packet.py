"""Packet: packets, checklist items, slide ledger, records requests,
documents and timeline events.

Revision ID: 0020_packet
Revises: 0001_base
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_packet"
down_revision = "0001_base"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "secondop_packet",
        sa.Column("center_name", sa.String(length=200), nullable=False),
        sa.Column("consult_questions", sa.Text(), nullable=False),
        sa.Column("proposed_plan", sa.Text(), nullable=False),
        sa.Column("plan_goal", sa.String(length=200), nullable=False),
        sa.Column("referring_name", sa.String(length=200), nullable=False),
        sa.Column("referring_phone", sa.String(length=50), nullable=False),
        sa.Column("referring_fax", sa.String(length=50), nullable=False),
        sa.Column("referring_npi", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondop_packet")),
    )
    op.create_index(
        op.f("ix_secondop_packet_patient_id"), "secondop_packet", ["patient_id"], unique=False
    )
    op.create_table(
        "secondop_packet_event",
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("precision", sa.String(length=5), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["packet_id"],
            ["secondop_packet.id"],
            name=op.f("fk_secondop_packet_event_packet_id_secondop_packet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondop_packet_event")),
    )
    op.create_index(
        op.f("ix_secondop_packet_event_packet_id"),
        "secondop_packet_event",
        ["packet_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_secondop_packet_event_patient_id"),
        "secondop_packet_event",
        ["patient_id"],
        unique=False,
    )
    op.create_table(
        "secondop_packet_facility",
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("fax", sa.String(length=50), nullable=False),
        sa.Column("requested_items", sa.String(length=500), nullable=False),
        sa.Column("dates_of_service", sa.String(length=200), nullable=False),
        sa.Column("send_to_me", sa.Boolean(), nullable=False),
        sa.Column("send_to_center", sa.Boolean(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["packet_id"],
            ["secondop_packet.id"],
            name=op.f("fk_secondop_packet_facility_packet_id_secondop_packet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondop_packet_facility")),
    )
    op.create_index(
        op.f("ix_secondop_packet_facility_packet_id"),
        "secondop_packet_facility",
        ["packet_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_secondop_packet_facility_patient_id"),
        "secondop_packet_facility",
        ["patient_id"],
        unique=False,
    )
    op.create_table(
        "secondop_packet_item",
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["packet_id"],
            ["secondop_packet.id"],
            name=op.f("fk_secondop_packet_item_packet_id_secondop_packet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondop_packet_item")),
        sa.UniqueConstraint("packet_id", "key", name="uq_secondop_packet_item_packet_key"),
    )
    op.create_index(
        op.f("ix_secondop_packet_item_packet_id"),
        "secondop_packet_item",
        ["packet_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_secondop_packet_item_patient_id"),
        "secondop_packet_item",
        ["patient_id"],
        unique=False,
    )
    op.create_table(
        "secondop_packet_slide",
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("lab", sa.String(length=200), nullable=False),
        sa.Column("accession_number", sa.String(length=100), nullable=False),
        sa.Column("specimen_ids", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("material", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["packet_id"],
            ["secondop_packet.id"],
            name=op.f("fk_secondop_packet_slide_packet_id_secondop_packet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondop_packet_slide")),
    )
    op.create_index(
        op.f("ix_secondop_packet_slide_packet_id"),
        "secondop_packet_slide",
        ["packet_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_secondop_packet_slide_patient_id"),
        "secondop_packet_slide",
        ["patient_id"],
        unique=False,
    )
    op.create_table(
        "secondop_packet_document",
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["secondop_packet_item.id"],
            name=op.f("fk_secondop_packet_document_item_id_secondop_packet_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["packet_id"],
            ["secondop_packet.id"],
            name=op.f("fk_secondop_packet_document_packet_id_secondop_packet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondop_packet_document")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_secondop_packet_document_storage_key")),
    )
    op.create_index(
        op.f("ix_secondop_packet_document_item_id"),
        "secondop_packet_document",
        ["item_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_secondop_packet_document_packet_id"),
        "secondop_packet_document",
        ["packet_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_secondop_packet_document_patient_id"),
        "secondop_packet_document",
        ["patient_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_secondop_packet_document_patient_id"), table_name="secondop_packet_document"
    )
    op.drop_index(
        op.f("ix_secondop_packet_document_packet_id"), table_name="secondop_packet_document"
    )
    op.drop_index(
        op.f("ix_secondop_packet_document_item_id"), table_name="secondop_packet_document"
    )
    op.drop_table("secondop_packet_document")
    op.drop_index(op.f("ix_secondop_packet_slide_patient_id"), table_name="secondop_packet_slide")
    op.drop_index(op.f("ix_secondop_packet_slide_packet_id"), table_name="secondop_packet_slide")
    op.drop_table("secondop_packet_slide")
    op.drop_index(op.f("ix_secondop_packet_item_patient_id"), table_name="secondop_packet_item")
    op.drop_index(op.f("ix_secondop_packet_item_packet_id"), table_name="secondop_packet_item")
    op.drop_table("secondop_packet_item")
    op.drop_index(
        op.f("ix_secondop_packet_facility_patient_id"), table_name="secondop_packet_facility"
    )
    op.drop_index(
        op.f("ix_secondop_packet_facility_packet_id"), table_name="secondop_packet_facility"
    )
    op.drop_table("secondop_packet_facility")
    op.drop_index(op.f("ix_secondop_packet_event_patient_id"), table_name="secondop_packet_event")
    op.drop_index(op.f("ix_secondop_packet_event_packet_id"), table_name="secondop_packet_event")
    op.drop_table("secondop_packet_event")
    op.drop_index(op.f("ix_secondop_packet_patient_id"), table_name="secondop_packet")
    op.drop_table("secondop_packet")
