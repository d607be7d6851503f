// One row of FreeSWITCH's `recovery` table (src/switch_core_sqldb.c, recovery_sql), as stored.

/** A recovery row: one answered SIP leg; `metadata` is the channel's XML CDR. */
export interface RecoveryRow {
  runtimeUuid: string;
  technology: string;
  profileName: string;
  /** FreeSWITCH writes its switchname here; recover never selects by it. */
  hostname: string;
  /** Channel uuid of the leg. */
  uuid: string;
  metadata: string;
  /**
   * Row version as read from PostgreSQL (`xmin`); a move only takes a row whose version is
   * unchanged since it was read. Absent for rows that did not come from the database.
   */
  version?: string;
}

/** Column order of the table, as FreeSWITCH creates it. */
export const RECOVERY_COLUMNS = [
  'runtime_uuid',
  'technology',
  'profile_name',
  'hostname',
  'uuid',
  'metadata',
] as const;
