/** What the graph's colours, borders and lines mean. */
export function Legend() {
  const sw = 'inline-block h-3.5 w-6 rounded-sm align-middle';
  const line = (color: string, dash?: string, width = 2) => (
    <svg width="30" height="10" aria-hidden="true" className="inline-block align-middle">
      <line x1="1" y1="5" x2="24" y2="5" stroke={color} strokeWidth={width} strokeDasharray={dash} />
      <path d="M24 1 L29 5 L24 9 Z" fill={color} />
    </svg>
  );
  return (
    <div
      className="flex flex-col gap-1.5 text-xs text-slate-700 dark:text-slate-300"
      aria-label="Legend"
      data-testid="graph-legend"
    >
      <span>
        <span
          className={`${sw} border border-slate-300 border-l-4 border-l-emerald-600 bg-white dark:bg-slate-900`}
        />{' '}
        valid
      </span>
      <span>
        <span className={`${sw} border-2 border-red-600 bg-red-50 dark:bg-red-950`} /> invalid (a violation of
        its own)
      </span>
      <span>
        <span
          className={`${sw} border border-amber-600 bg-[repeating-linear-gradient(135deg,#fef3c7_0_4px,#fffbeb_4px_8px)]`}
        />{' '}
        tainted (valid, downstream of an invalid task)
      </span>
      <span>
        <span className={`${sw} border-2 border-dashed border-slate-400`} /> missing parent
      </span>
      <span>
        <span className={`${sw} border-3 border-double border-sky-600 bg-sky-50 dark:bg-sky-950`} /> group
        (collapsed)
      </span>
      <span>{line('#94a3b8')} parent → child</span>
      <span>{line('#dc2626', undefined, 3)} cycle</span>
      <span>{line('#d97706', undefined, 3)} edge violation (labelled)</span>
      <span>{line('#ca8a04', '2 3')} clock-skew near miss</span>
      <span>{line('#94a3b8', '6 4')} to a missing parent</span>
      <span>
        <span className={`${sw} border-2 border-violet-600`} /> on the critical path (when shown)
      </span>
    </div>
  );
}
