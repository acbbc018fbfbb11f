-- What schedule interchange formats carry beyond the first import: a day that changes after
-- midnight, subtitles, descriptions apart from abstracts, languages, recording opt-outs, and
-- slots whose room is not known yet.
ALTER TABLE editions ADD COLUMN day_change TEXT NOT NULL DEFAULT '00:00:00';
ALTER TABLE sessions ADD COLUMN subtitle TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN language TEXT;
ALTER TABLE sessions ADD COLUMN do_not_record BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE slots ALTER COLUMN room_id DROP NOT NULL;
ALTER TABLE slots DROP CONSTRAINT slots_room_id_fkey;
ALTER TABLE slots ADD CONSTRAINT slots_room_id_fkey
    FOREIGN KEY (room_id) REFERENCES rooms(id) ON DELETE SET NULL;
