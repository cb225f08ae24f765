"""whatsapp: customers' numbers with their opt-in and opt-out, and the conversation's messages

One row per number (E.164) in `whatsapp_contacts`; every inbound and outbound message in
`whatsapp_messages`, the provider's message id unique per provider (a redelivered webhook
stores nothing) and the outbox's idempotency key unique (a send whose answer was lost is found
again). Not ingested into the warehouse (tourstack.ingest.run.EXCLUDED_TABLES).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 23:30:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('whatsapp_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('opted_in_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opt_in_source', sa.String(length=64), nullable=True),
    sa.Column('opted_out_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opt_out_source', sa.String(length=64), nullable=True),
    sa.Column('last_inbound_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_message_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("phone LIKE '+%'", name=op.f('ck_whatsapp_contacts_phone_e164')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_whatsapp_contacts_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_whatsapp_contacts')),
    sa.UniqueConstraint('phone', name=op.f('uq_whatsapp_contacts_phone'))
    )
    with op.batch_alter_table('whatsapp_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_whatsapp_contacts_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_whatsapp_contacts_updated_at'), ['updated_at'], unique=False)

    op.create_table('whatsapp_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('provider', sa.String(length=8), nullable=False),
    sa.Column('provider_message_id', sa.String(length=128), nullable=True),
    sa.Column('client_ref', sa.String(length=255), nullable=True),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('template', sa.String(length=128), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("direction IN ('inbound', 'outbound')", name=op.f('ck_whatsapp_messages_direction_known')),
    sa.CheckConstraint("provider IN ('meta', 'twilio')", name=op.f('ck_whatsapp_messages_provider_known')),
    sa.ForeignKeyConstraint(['contact_id'], ['whatsapp_contacts.id'], name=op.f('fk_whatsapp_messages_contact_id_whatsapp_contacts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_whatsapp_messages')),
    sa.UniqueConstraint('client_ref', name=op.f('uq_whatsapp_messages_client_ref')),
    sa.UniqueConstraint('provider', 'provider_message_id', name=op.f('uq_whatsapp_messages_provider'))
    )
    with op.batch_alter_table('whatsapp_messages', schema=None) as batch_op:
        batch_op.create_index('ix_whatsapp_messages_contact', ['contact_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_whatsapp_messages_outbox_message_id'), ['outbox_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_whatsapp_messages_updated_at'), ['updated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('whatsapp_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_whatsapp_messages_updated_at'))
        batch_op.drop_index(batch_op.f('ix_whatsapp_messages_outbox_message_id'))
        batch_op.drop_index('ix_whatsapp_messages_contact')

    op.drop_table('whatsapp_messages')
    with op.batch_alter_table('whatsapp_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_whatsapp_contacts_updated_at'))
        batch_op.drop_index(batch_op.f('ix_whatsapp_contacts_customer_id'))

    op.drop_table('whatsapp_contacts')
