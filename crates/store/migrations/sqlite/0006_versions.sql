-- The work in progress's version: bumped by every write to it (a save, an applied proposal, a
-- pin, a room's capacity), so that a save based on an older version is refused, never lost.
-- An edition that exists already has one saved version.
ALTER TABLE editions ADD COLUMN wip_version INTEGER NOT NULL DEFAULT 0 CHECK (wip_version >= 0);
UPDATE editions SET wip_version = 1;

-- The version of the work in progress a proposal was solved on (none for older proposals):
-- applying it over a later version would undo what changed since.
ALTER TABLE proposals ADD COLUMN solved_on INTEGER CHECK (solved_on > 0);
