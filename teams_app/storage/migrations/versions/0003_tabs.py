"""tables of the tabs: sign-in, calendar, forum, news, profile photos

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 17:30:45.313850
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_feeds',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash'))
    )
    op.create_table('forum_sections',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_ru', sa.String(length=255), nullable=False),
    sa.Column('title_en', sa.String(length=255), nullable=False),
    sa.Column('description_ru', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('rubric_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['rubric_key'], ['rubrics.key'], name=op.f('fk_forum_sections_rubric_key_rubrics')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_forum_sections'))
    )
    op.create_table('news_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('published', 'unpublished', name='newsstatus', native_enum=False, length=32), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_news_items_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_items'))
    )
    with op.batch_alter_table('news_items', schema=None) as batch_op:
        batch_op.create_index('ix_news_items_status_published', ['status', 'published_at'], unique=False)

    op.create_table('web_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_web_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_sessions_token_hash'))
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('online', 'offline', name='eventkind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'cancelled', name='eventstatus', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('meeting_url', sa.Text(), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_events_ends_after_start')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_events_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_events_organiser_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index('ix_events_starts_at', ['starts_at'], unique=False)
        batch_op.create_index('ix_events_case_id', ['case_id'], unique=False)

    op.create_table('event_rubrics',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('rubric_key', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_rubrics_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rubric_key'], ['rubrics.key'], name=op.f('fk_event_rubrics_rubric_key_rubrics')),
    sa.PrimaryKeyConstraint('event_id', 'rubric_key', name=op.f('pk_event_rubrics'))
    )
    with op.batch_alter_table('event_rubrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_rubrics_rubric_key'), ['rubric_key'], unique=False)

    op.create_table('forum_topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_post_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_forum_topics_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_key'], ['forum_sections.key'], name=op.f('fk_forum_topics_section_key_forum_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_topics'))
    )
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.create_index('ix_forum_topics_section_last', ['section_key', 'last_post_at'], unique=False)

    op.create_table('event_registrations',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_registrations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_registrations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'user_id', name=op.f('pk_event_registrations'))
    )
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('forum_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_forum_posts_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_forum_posts_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['forum_topics.id'], name=op.f('fk_forum_posts_topic_id_forum_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_posts'))
    )
    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_posts_topic_id'), ['topic_id'], unique=False)

    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_library_entries_updated_by_id_users'), 'users', ['updated_by_id'], ['id'])

    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_contact', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('photo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('photo_content_type', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('photo_updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('university', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('institute', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('department', sa.String(length=255), nullable=False, server_default=''))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False, server_default='Europe/Moscow'))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('time_zone')

    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.drop_column('department')
        batch_op.drop_column('institute')
        batch_op.drop_column('university')
        batch_op.drop_column('photo_updated_at')
        batch_op.drop_column('photo_content_type')
        batch_op.drop_column('photo')
        batch_op.drop_column('public_contact')

    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_library_entries_updated_by_id_users'), type_='foreignkey')
        batch_op.drop_column('updated_by_id')
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_posts_topic_id'))

    op.drop_table('forum_posts')
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registrations_user_id'))

    op.drop_table('event_registrations')
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_index('ix_forum_topics_section_last')

    op.drop_table('forum_topics')
    with op.batch_alter_table('event_rubrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_rubrics_rubric_key'))

    op.drop_table('event_rubrics')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_case_id')
        batch_op.drop_index('ix_events_starts_at')
        batch_op.drop_index(batch_op.f('ix_events_organiser_id'))

    op.drop_table('events')
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_user_id'))

    op.drop_table('web_sessions')
    with op.batch_alter_table('news_items', schema=None) as batch_op:
        batch_op.drop_index('ix_news_items_status_published')

    op.drop_table('news_items')
    op.drop_table('forum_sections')
    op.drop_table('calendar_feeds')
