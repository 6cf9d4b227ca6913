import assert from 'node:assert/strict';
import sharp from 'sharp';
import {megapixelsOf} from '../src/pipeline/decode.js';
import {PixelBudget} from '../src/pipeline/pixel-budget.js';
import {bmp24, rawImage} from './support/images.js';
import {settle} from './support/wait.js';

describe('decoded-pixel budget', () => {
  it('lets images in while they fit and makes the next one wait for a release', async () => {
    const budget = new PixelBudget(PixelBudget.createShared(), 100);
    const a = await budget.acquire(60);
    const b = await budget.acquire(39.2);
    assert.deepEqual([a, b], [60, 40]);
    let third = false;
    const waiting = budget.acquire(10).then((n) => {
      third = true;
      return n;
    });
    await settle();
    assert.equal(third, false, 'must wait: 60 + 40 + 10 > 100');
    budget.release(a);
    assert.equal(await waiting, 10);
    budget.release(b);
    budget.release(10);
  });

  it('runs an image larger than the whole budget alone', async () => {
    const budget = new PixelBudget(PixelBudget.createShared(), 100);
    const huge = await budget.acquire(5000);
    assert.equal(huge, 100);
    let small = false;
    const waiting = budget.acquire(1).then(() => (small = true));
    await settle();
    assert.equal(small, false);
    budget.release(huge);
    await waiting;
  });

  it('is shared between workers through its buffer', async () => {
    const shared = PixelBudget.createShared();
    const one = new PixelBudget(shared, 10);
    const two = new PixelBudget(shared, 10);
    await one.acquire(8);
    let got = false;
    const waiting = two.acquire(5).then(() => (got = true));
    await settle();
    assert.equal(got, false);
    one.release(8);
    await waiting;
  });

  it('reads image sizes from headers', async () => {
    assert.equal(await megapixelsOf(await rawImage(1000, 500).jpeg().toBuffer()), 0.5);
    assert.equal(await megapixelsOf(await rawImage(300, 200).png().toBuffer()), 0.06);
    assert.equal(await megapixelsOf(bmp24(100, 30, Buffer.alloc(9000))), 0.003);
    assert.equal(await megapixelsOf(await sharp({create: {width: 40, height: 25, channels: 3, background: 'red'}}).webp().toBuffer()), 0.001);
    assert.equal(await megapixelsOf(Buffer.from('not an image')), 0);
  });
});
