// eval:faces --reference-sizes 20,26,32,40: how small a reference photo may be. Every photo of
// pairs/ is the registry reference, shrunk so that its eyes are E px apart (as the live-frame path
// measures them), against every other photo at full size; prints FNMR and the highest impostor score
// at the deployed threshold, to set REFERENCE_RULES.minEyeDistance (match.rules.ts) from numbers.
import fs from 'node:fs';
import sharp from 'sharp';
import { createFaceEngine } from '../src/biometrics/engine/face-engine.js';
import { referenceProblems, templateSimilarity } from '../src/biometrics/match.rules.js';
import { pairPersons } from './face-data.js';

export async function runReferenceSizes(dir: string, eyeDistances: number[], threshold: number): Promise<void> {
  const engine = await createFaceEngine();
  const photos = [...pairPersons(dir)].flatMap(([person, files]) => files.map((file) => ({ person, jpeg: fs.readFileSync(file) })));
  const full = [];
  for (const p of photos) full.push(await engine.describePhoto(p.jpeg));
  const rate = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)} %`;
  const report = (label: string, genuine: number[], impostor: number[], extra = '') =>
    console.log(
      `  ${label.padEnd(14)} genuine ${String(genuine.length).padStart(4)}  FNMR ${rate(genuine.filter((g) => g < threshold).length, genuine.length).padStart(7)}   ` +
        `impostor ${String(impostor.length).padStart(5)}  max ${Math.max(...impostor).toFixed(3)}  ≥ threshold ${impostor.filter((i) => i >= threshold).length}${extra}`,
    );
  console.log(`\nReference photos shrunk (pairs/ photos as references, the others at full size as probes), threshold ${threshold}`);
  for (const eyes of eyeDistances) {
    const genuine: number[] = [];
    const impostor: number[] = [];
    let flagged = 0;
    for (let r = 0; r < photos.length; r++) {
      const measured = full[r].measures.eyeDistance;
      if (!full[r].template || measured <= eyes) continue;
      const small = await sharp(photos[r].jpeg)
        .resize({ width: Math.round(full[r].measures.width * (eyes / measured)) })
        .jpeg({ quality: 90 })
        .toBuffer();
      const d = await engine.describePhoto(small);
      if (!d.template) continue;
      if (referenceProblems(d.measures).length > 0) flagged++;
      for (let p = 0; p < photos.length; p++) {
        if (p === r || !full[p].template) continue;
        (photos[p].person === photos[r].person ? genuine : impostor).push(templateSimilarity(d.template, full[p].template!)!);
      }
    }
    report(`eyes ${eyes} px`, genuine, impostor, `  (flagged by REFERENCE_RULES: ${flagged})`);
  }
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let r = 0; r < photos.length; r++)
    for (let p = 0; p < photos.length; p++)
      if (p !== r && full[r].template && full[p].template) (photos[p].person === photos[r].person ? genuine : impostor).push(templateSimilarity(full[r].template!, full[p].template!)!);
  report('full size', genuine, impostor);
}
